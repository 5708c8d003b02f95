# Unit tests for names, the config keys table and the JSON state files
# (state, intent, last exit, spec); included by tests/unit/CMakeLists.txt.
if(NOT TARGET PkgConfig::CMOCKA)
	pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
foreach(unit names config state)
	add_executable(test_${unit} ${CMAKE_CURRENT_LIST_DIR}/test_${unit}.c)
	target_link_libraries(test_${unit} ward_container PkgConfig::CMOCKA)
	add_test(NAME unit_${unit} COMMAND test_${unit})
	set_tests_properties(unit_${unit} PROPERTIES LABELS unit)
endforeach()
