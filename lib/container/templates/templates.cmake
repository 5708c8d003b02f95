# Data templates: busybox.ini is embedded in the container library (so a
# build tree works uninstalled) and installed with any other NAME.ini beside it.
# Included by lib/container/CMakeLists.txt; sets WARD_TEMPLATE_GENERATED.
include(GNUInstallDirs)

set(_ward_tpl_dir ${CMAKE_CURRENT_SOURCE_DIR}/templates)
set(WARD_TEMPLATE_DIR "${CMAKE_INSTALL_FULL_DATADIR}/ward/templates")

# re-run the generation whenever the template or the skeleton changes
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
	${_ward_tpl_dir}/busybox.ini ${_ward_tpl_dir}/templates-data.c.in)

# bytes, not a string literal: no escaping rules to get wrong, no length limit
file(READ ${_ward_tpl_dir}/busybox.ini _ward_hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _ward_hex "${_ward_hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" WARD_BUSYBOX_INI_BYTES
	"${_ward_hex}")
configure_file(${_ward_tpl_dir}/templates-data.c.in
	${CMAKE_CURRENT_BINARY_DIR}/templates-data.c @ONLY)

set(WARD_TEMPLATE_GENERATED ${CMAKE_CURRENT_BINARY_DIR}/templates-data.c)

install(FILES ${_ward_tpl_dir}/busybox.ini
	DESTINATION ${CMAKE_INSTALL_DATADIR}/ward/templates)
