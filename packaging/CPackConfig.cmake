# The Debian package: `cmake --build build --target package`, or
# `cd build && cpack` (docs/install.md, "Building the package"). Whatever
# prefix the build was configured with, the package installs under /usr.
# Layout: docs/formats.md, "Installed layout"; install rules in
# packaging/install.cmake and the CMakeLists of tools/ and docs/.

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "smart")
set(CPACK_PACKAGE_VENDOR "the smart authors")
# The Maintainer field of the .deb: whoever answers for the package. A
# distribution or a fork building its own package sets its own:
# cmake -DSMART_PACKAGE_MAINTAINER="Jane Doe <jane@example.com>".
set(SMART_PACKAGE_MAINTAINER "smart maintainers <maintainers@smart-project.org>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${SMART_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SMART_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Linux server that tunes itself, safely")
set(CPACK_PACKAGE_DESCRIPTION
  "smart runs experiments on a server's own configuration (nginx worker_processes,
keepalive_timeout, ...), measures real latency and errors, keeps what is truly
better and reverts the rest, and never leaves the server half-changed without
saying so. A systemd timer runs one experiment every 30 minutes (not enabled
on installation); a static dashboard shows every run.")
# Absolute destinations (/etc, /lib/systemd/system) need a DESTDIR install.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "/usr")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, sudo, acl")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx-light | nginx")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/smart")

# conffiles: dpkg keeps an administrator's edits of these on upgrade.
set(_smart_deb_dir ${PROJECT_BINARY_DIR}/packaging/deb-control)
file(MAKE_DIRECTORY ${_smart_deb_dir})
file(WRITE ${_smart_deb_dir}/conffiles
  "${SMART_SYSCONFDIR}/smart/smart.conf\n${SMART_SYSCONFDIR}/sudoers.d/smart\n${SMART_SYSCONFDIR}/logrotate.d/smart\n")
foreach(script postinst prerm postrm)
  # configure_file: an edited script is copied again at the next build
  configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/${script} ${_smart_deb_dir}/${script} COPYONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${_smart_deb_dir}/conffiles ${_smart_deb_dir}/postinst ${_smart_deb_dir}/prerm ${_smart_deb_dir}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
