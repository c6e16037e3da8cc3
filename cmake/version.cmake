# Writes the regio version header: PROJECT_VERSION plus `git describe --always --dirty --tags`
# of SOURCE_DIR (the project version alone outside a git tree). Run at configure time and, as
# the `regio_version` target, before every build, so that run.yaml, checkpoints and benchmark
# rows name the commit that was built even when the build was not re-configured. configure_file
# rewrites OUT only when the string changes, so an unchanged tree recompiles nothing.
#   cmake -DSOURCE_DIR=... -DGIT_EXECUTABLE=... -DPROJECT_VERSION=... -DIN=... -DOUT=... -P version.cmake
set(REGIO_VERSION_STRING "${PROJECT_VERSION}")
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --tags
                  WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE _git_describe OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE _git_rc)
  if(_git_rc EQUAL 0 AND _git_describe)
    set(REGIO_VERSION_STRING "${PROJECT_VERSION}+g${_git_describe}")
  endif()
endif()
configure_file(${IN} ${OUT} @ONLY)
