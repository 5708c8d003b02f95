# Unit test for policy/classes (WLM arithmetic, class file, knob values);
# included by tests/unit/CMakeLists.txt.
if(NOT TARGET PkgConfig::CMOCKA)
	pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
add_executable(test_classes ${CMAKE_CURRENT_LIST_DIR}/test_classes.c)
target_link_libraries(test_classes ward_policy PkgConfig::CMOCKA)
add_test(NAME unit_classes COMMAND test_classes)
set_tests_properties(unit_classes PROPERTIES LABELS unit)
