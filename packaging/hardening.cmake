# Hardening flags for the binaries we ship, as Debian's dpkg-buildflags would
# give a package built with debhelper (lintian: hardening-no-fortify-functions,
# hardening-no-bindnow): stack protector, stack clash protection, control-flow
# protection, _FORTIFY_SOURCE (needs optimisation, so not in Debug builds, and
# not under the sanitizers, which replace those checks), full RELRO, PIE.
option(SMART_HARDENING "Build with Debian's hardening flags" ON)
if(SMART_HARDENING)
  include(CheckCXXCompilerFlag)
  include(CheckPIESupported)
  check_pie_supported(LANGUAGES CXX)
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  set(_smart_hardening -fstack-protector-strong)
  foreach(flag -fstack-clash-protection -fcf-protection)
    string(MAKE_C_IDENTIFIER "SMART_HAS${flag}" var)
    check_cxx_compiler_flag(${flag} ${var})
    if(${var})
      list(APPEND _smart_hardening ${flag})
    endif()
  endforeach()
  target_compile_options(smart_settings INTERFACE ${_smart_hardening})
  if(NOT SMART_ENABLE_ASAN AND NOT SMART_ENABLE_TSAN AND NOT SMART_BUILD_FUZZERS)
    target_compile_definitions(smart_settings INTERFACE $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
  endif()
  target_link_options(smart_settings INTERFACE LINKER:-z,relro LINKER:-z,now)
endif()
