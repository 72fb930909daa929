#pragma once

namespace smart {

#ifdef SMART_VERSION
inline constexpr const char* version = SMART_VERSION;
#else
inline constexpr const char* version = "unknown";
#endif

} // namespace smart
