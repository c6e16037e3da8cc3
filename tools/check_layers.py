#!/usr/bin/python3
"""Check that every source file includes only headers of its own layer or of the layers below.

The layers and their sources are read from CMakeLists.txt (the `regio_layer(<name> SOURCES ...
LINKS ...)` calls, in order from the bottom layer up). A header include/regio/X.hpp belongs to
the layer of src/**/X.cpp; header-only headers are assigned in HEADER_ONLY below. Prints one line
per violation ("file: includes regio/X.hpp of layer L above its own layer M") and exits 1 if
there is any, 0 otherwise.

Usage: /usr/bin/python3 tools/check_layers.py [REPO_ROOT]
"""
import pathlib
import re
import sys

# Headers without a .cpp of the same name: the layer whose vocabulary they are.
HEADER_ONLY = {
    "region.hpp": "regio_economics",
    "yaml_reader.hpp": "regio_economics",
    "scenario.hpp": "regio_economics",
    "policy.hpp": "regio_economics",
    "policy_kind.hpp": "regio_economics",
    "equilibrium.hpp": "regio_economics",      # results the solver hands to the model's users
    "outcomes.hpp": "regio_economics",         # src/economics/model/aggregates.cpp
    "huge_page_allocator.hpp": "regio_economics",
    "solver_state.hpp": "regio_solver",
    "petsc_util.hpp": "regio_parallel",
    "gather_ordered.hpp": "regio_parallel",
    "hdf5_handle.hpp": "regio_io",
    "commands.hpp": "regio_app",
    "hat/counterfactual.hpp": "regio_app",       # src/app/counterfactual.cpp
    "version.hpp": "regio_economics",          # generated: the build stamp, any layer may write it
}


def layers_from_cmake(root):
    text = (root / "CMakeLists.txt").read_text()
    order, sources = [], {}
    for m in re.finditer(r"regio_layer\((\w+)\s+SOURCES(.*?)LINKS", text, re.S):
        name = m.group(1)
        order.append(name)
        for src in m.group(2).split():
            sources[src] = name
    return order, sources


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    order, sources = layers_from_cmake(root)
    if not order:
        print("check_layers: no regio_layer() calls found in CMakeLists.txt")
        return 1
    rank = {name: i for i, name in enumerate(order)}
    header_layer = dict(HEADER_ONLY)
    for src, layer in sources.items():
        stem = pathlib.Path(src).stem + ".hpp"
        header_layer.setdefault(stem, layer)
        # a module's headers sit in include/regio/<module>/ when its sources sit in .../<module>/
        header_layer.setdefault(f"{pathlib.Path(src).parent.name}/{stem}", layer)

    files = {src: layer for src, layer in sources.items()}
    for h in sorted((root / "include" / "regio").rglob("*.hpp")):
        name = h.relative_to(root / "include" / "regio").as_posix()  # "kernels.hpp", "hat/base_year.hpp"
        if name not in header_layer:
            print(f"include/regio/{name}: no layer (add a .cpp of that name to a layer or list it in HEADER_ONLY)")
            return 1
        files[f"include/regio/{name}"] = header_layer[name]

    bad = 0
    for path, layer in sorted(files.items()):
        text = (root / path).read_text(errors="replace")
        for inc in re.findall(r'#include\s+"regio/([\w./]+)"', text):
            target = header_layer.get(inc)
            if target is None:
                print(f"{path}: includes regio/{inc}, which has no layer")
                bad += 1
            elif rank[target] > rank[layer]:
                print(f"{path}: includes regio/{inc} of layer {target} above its own layer {layer}")
                bad += 1
    print(f"check_layers: {len(files)} files in {len(order)} layers ({' < '.join(order)}), {bad} violation(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
