# Runs a training command of the CLI with a learning rate far too large: it must stop with exit
# status 1 and say on stderr that training diverged, where it went back to, and what to change.
#   cmake -DCOMMAND="nnlab;nextword;--lr;1e6" -P expect_divergence.cmake
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE ";" " " shown "${COMMAND}")
if(NOT status EQUAL 1)
  message(FATAL_ERROR "`${shown}` exited with ${status}, not 1\nstdout: ${out}\nstderr: ${err}")
endif()
foreach(expected "training diverged at" "([Rr]olled back to|back at) (step|epoch|iteration) [0-9]+" "[Ll]ower (the )?learning rate|learning rate lower")
  if(NOT err MATCHES "${expected}")
    message(FATAL_ERROR "`${shown}` did not say /${expected}/ on stderr:\n${err}")
  endif()
endforeach()
message(STATUS "${err}")
