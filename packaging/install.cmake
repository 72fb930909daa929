# Install rules of everything that is not a compiled tool: the experiments'
# helpers, the systemd units, the files under /etc, the package docs.
# Layout: docs/formats.md, "Installed layout". /etc and the unit
# directory are absolute (they are not under the prefix on Debian); a
# staged install uses DESTDIR (cmake --install build, DESTDIR=/tmp/root).

set(SMART_SYSCONFDIR "/etc" CACHE PATH "Where smart.conf, sudoers.d and logrotate.d go")
set(SMART_SYSTEMD_UNITDIR "/lib/systemd/system" CACHE PATH "Where the systemd units go")
set(SMART_DOCDIR "${CMAKE_INSTALL_DATADIR}/doc/smart")

install(PROGRAMS packaging/nginx-directive packaging/nginx-experiment packaging/sysctl-setting
                 packaging/sysctl-experiment packaging/redis-experiment
                 packaging/postgres-experiment packaging/phpfpm-experiment
        DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/smart)
install(FILES timers/smart-run.service timers/smart-run.timer timers/smart-heartbeat.service
              timers/smart-heartbeat.timer
        DESTINATION ${SMART_SYSTEMD_UNITDIR})
install(FILES packaging/smart.conf DESTINATION ${SMART_SYSCONFDIR}/smart)
install(FILES packaging/sudoers DESTINATION ${SMART_SYSCONFDIR}/sudoers.d
        RENAME smart PERMISSIONS OWNER_READ GROUP_READ)
install(FILES packaging/logrotate DESTINATION ${SMART_SYSCONFDIR}/logrotate.d RENAME smart)
# The dashboard's nginx server block: not enabled by installing (it would bind
# a port on every machine with nginx); docs/dashboard.md says how to enable it.
# The access-log format passive measurement reads (docs/measure.md), to include.
install(FILES packaging/nginx/smart-log-format.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/smart/nginx)
install(FILES packaging/nginx-smart-dashboard.conf DESTINATION ${CMAKE_INSTALL_DATADIR}/smart/nginx
        RENAME smart-dashboard.conf)

# Debian wants the changelog gzipped (-n: no name or time in it, so the
# package is reproducible) next to the copyright file.
set(_smart_changelog_gz ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(OUTPUT ${_smart_changelog_gz}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging
  COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/debian/changelog > ${_smart_changelog_gz}
  DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog
  COMMENT "Compressing the package changelog" VERBATIM)
add_custom_target(smart_package_files ALL DEPENDS ${_smart_changelog_gz})
install(FILES packaging/debian/copyright ${_smart_changelog_gz} DESTINATION ${SMART_DOCDIR})
file(GLOB _smart_docs ${PROJECT_SOURCE_DIR}/docs/*.md ${PROJECT_SOURCE_DIR}/docs/coach-api.yaml)
install(FILES ${_smart_docs} DESTINATION ${SMART_DOCDIR})
# The template of docs/experiments.md, ready to copy into EXPERIMENTS_DIR.
install(DIRECTORY docs/experiment-template/ DESTINATION ${SMART_DOCDIR}/experiment-template
        USE_SOURCE_PERMISSIONS)
