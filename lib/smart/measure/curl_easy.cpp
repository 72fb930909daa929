#include <smart/measure/curl_easy.hpp>

#include <smart/util/curl_global.hpp>
#include <smart/version.hpp>

namespace smart::curl_easy {

namespace {
std::size_t discard(char*, std::size_t size, std::size_t count, void*)
{
  return size * count;
}
} // namespace

void global_init()
{
  util::curl_global_init_once();
}

void configure(CURL* easy, const HandleOptions& options)
{
  const auto timeout_ms = static_cast<long>(options.timeout.count() * 1000.0 + 0.5);
  curl_easy_setopt(easy, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms < 1 ? 1L : timeout_ms);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "smart-measure/" SMART_VERSION);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
  if (options.insecure) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (options.cacert) {
    curl_easy_setopt(easy, CURLOPT_CAINFO, options.cacert->c_str());
  }
}

Phases phases(CURL* easy)
{
  curl_off_t dns = 0, connect = 0, app = 0, pre = 0, start = 0;
  curl_easy_getinfo(easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
  curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect);
  curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &app);
  curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
  curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &start);
  Phases result;
  result.dns_ms = static_cast<double>(dns) / 1e3;
  result.connect_ms = connect > dns ? static_cast<double>(connect - dns) / 1e3 : 0.0;
  result.tls_ms = app > connect ? static_cast<double>(app - connect) / 1e3 : 0.0;
  result.ttfb_ms = start > pre ? static_cast<double>(start - pre) / 1e3 : 0.0;
  return result;
}

} // namespace smart::curl_easy
