# Unit test for templates and ward_copy_tree; included by tests/unit/CMakeLists.txt.
if(NOT TARGET PkgConfig::CMOCKA)
	pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
add_executable(test_template ${CMAKE_CURRENT_LIST_DIR}/test_template.c)
target_link_libraries(test_template ward_container PkgConfig::ARCHIVE PkgConfig::CMOCKA)
add_test(NAME unit_template COMMAND test_template)
set_tests_properties(unit_template PROPERTIES LABELS unit)
