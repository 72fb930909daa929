#include <smart/util/curl_global.hpp>

#include <smart/util/failure.hpp>

#include <curl/curl.h>

#include <mutex>

namespace smart::util {

void curl_global_init_once()
{
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw Failure("libcurl: global initialisation failed");
    }
  });
}

} // namespace smart::util
