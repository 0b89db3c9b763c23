# The declared order of the steps (CMUP_DEPS_<area> in CMakeLists.txt) enforced on the
# sources: a file of src/<area>/ may include headers of its own area and of the areas that
# area depends on, directly or through others; an include of any other area ("media/..."
# from src/telegram/, "queue/..." from src/media/) is an error naming the file and line.
#
# Used two ways:
# - included by CMakeLists.txt: cmup_check_layers(<src dir> <areas...>) with the
#   CMUP_DEPS_<area> variables set (configure time, and a build step before cmup);
# - as a script: cmake -DCMUP_LAYERS=<file setting CMUP_AREAS and CMUP_DEPS_*>
#   -DCMUP_SRC=<src dir> -P cmake/LayerCheck.cmake (the build step and the tests).

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.25)  # IN_LIST and the other policies of the project
endif()

function(cmup_layer_closure area out)
  set(seen "")
  set(todo ${CMUP_DEPS_${area}})
  while(todo)
    list(POP_FRONT todo d)
    if(NOT d IN_LIST seen)
      list(APPEND seen ${d})
      list(APPEND todo ${CMUP_DEPS_${d}})
    endif()
  endwhile()
  set(${out} ${seen} PARENT_SCOPE)
endfunction()

function(cmup_check_layers src_dir)
  set(areas ${ARGN})
  set(errors "")
  foreach(area ${areas})
    cmup_layer_closure(${area} allowed)
    list(APPEND allowed ${area})
    list(JOIN allowed ", " allowed_text)
    file(GLOB_RECURSE files ${src_dir}/${area}/*.cpp ${src_dir}/${area}/*.hpp ${src_dir}/${area}/*.h)
    foreach(f ${files})
      file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/")
      foreach(line ${lines})
        string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/.*" "\\1" inc "${line}")
        if(inc IN_LIST areas AND NOT inc IN_LIST allowed)
          file(RELATIVE_PATH rel ${src_dir} ${f})
          string(STRIP "${line}" line)
          list(APPEND errors "  src/${rel}: ${line} (${area} may include only ${allowed_text})")
        endif()
      endforeach()
    endforeach()
  endforeach()
  if(errors)
    list(JOIN errors "\n" text)
    message(FATAL_ERROR "A step includes a later step, against the order in CMakeLists.txt "
                        "(CMUP_DEPS_<step>, docs/ARCHITECTURE.md). Move what both need down to the "
                        "lower step, or give the lower step its own small type that the higher one "
                        "converts to:\n${text}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND CMUP_LAYERS)
  include(${CMUP_LAYERS})
  cmup_check_layers(${CMUP_SRC} ${CMUP_AREAS})
  if(CMUP_STAMP)
    file(TOUCH ${CMUP_STAMP})
  endif()
endif()
