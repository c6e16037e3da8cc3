#!/usr/bin/python3
"""Files over 400 lines and functions over 80 lines in regio's C++ (issue 18's limits).

    /usr/bin/python3 tools/code_limits.py [--max-file 400] [--max-function 80] [PATHS...]

A function is a brace-delimited body outside other functions whose header has parentheses
(free functions, member functions in or out of their class, constructors with their
initialiser lists); lambdas count towards the function they are in. Its length runs from the
first line of its signature to its closing brace. Comments and strings are ignored. Exit 1 if
anything is over a limit.
"""
import argparse
import os
import re
import sys

SOURCES = ("src", "include", "bench", "fuzz/targets")
def strip_code(text):
    """The text with comments, strings and character literals blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif text.startswith('R"(', i):
            j = text.find(')"', i + 3)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (j + 1 - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(text):
    """(first line of the signature, its line number, length in lines) of each function body
    outside other functions: a `{` whose header (the code since the last `;`, `{` or `}`)
    has parentheses and is not a namespace, class, enum or initialiser."""
    code = strip_code(text)
    stack, out = [], []  # kinds of the open blocks
    header_start = 0
    for i, c in enumerate(code):
        if c == "{":
            header = code[header_start:i]
            inside_function = "function" in stack
            words = header.split()
            if inside_function:
                kind = "block"
            elif re.search(r"\bnamespace\b", header) or header.strip().startswith("extern"):
                kind = "namespace"
            elif re.search(r"\b(class|struct|union|enum)\b", header.split("(")[0]):
                kind = "class"
            elif "(" in header and not header.rstrip().endswith("="):
                kind = "function"
                first = len(code[:header_start]) + (len(header) - len(header.lstrip()))
                stack.append(("function", first))
                header_start = i + 1
                continue
            else:
                kind = "block"
            stack.append((kind, i))
            header_start = i + 1
        elif c == "}":
            kind, opened = stack.pop() if stack else ("block", i)
            if kind == "function":
                first_line = code.count("\n", 0, opened) + 1
                last_line = code.count("\n", 0, i) + 1
                out.append((text.split("\n")[first_line - 1].strip()[:90], first_line, last_line - first_line + 1))
            header_start = i + 1
        elif c == ";":
            header_start = i + 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--max-file", type=int, default=400)
    ap.add_argument("--max-function", type=int, default=80)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = []
    for p in args.paths or [os.path.join(root, s) for s in SOURCES]:
        if os.path.isfile(p):
            files.append(p)
        for d, _, names in os.walk(p):
            files += [os.path.join(d, n) for n in names if n.endswith((".cpp", ".hpp", ".inc", ".h"))]
    over = 0
    for f in sorted(files):
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        lines = text.split("\n")
        rel = os.path.relpath(f, root)
        if len(lines) - 1 > args.max_file:
            print(f"{rel}: {len(lines) - 1} lines (limit {args.max_file})")
            over += 1
        for name, line, length in functions(text):
            if length > args.max_function:
                print(f"{rel}:{line}: function of {length} lines (limit {args.max_function}): {name}")
                over += 1
    print(f"{len(files)} files checked, {over} over the limits")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
