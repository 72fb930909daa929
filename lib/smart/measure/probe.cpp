#include <smart/measure/probe.hpp>

#include <smart/measure/socket_probe.hpp>

#include <smart/error.hpp>
#include <smart/measure/curl_easy.hpp>
#include <smart/measure/dns_probe.hpp>
#include <smart/measure/icmp_probe.hpp>
#include <smart/measure/postgres_probe.hpp>
#include <smart/measure/redis_probe.hpp>

#include <fmt/format.h>

#include <netdb.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace smart {

ProbeError classify_curl_error(int curl_code)
{
  switch (static_cast<CURLcode>(curl_code)) {
  case CURLE_OK:
    return ProbeError::none;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
    return ProbeError::dns;
  case CURLE_COULDNT_CONNECT:
    return ProbeError::connect;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_USE_SSL_FAILED:
    return ProbeError::tls;
  case CURLE_OPERATION_TIMEDOUT:
    return ProbeError::timeout;
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
    return ProbeError::reset;
  default:
    return ProbeError::other;
  }
}

namespace {

double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b)
{
  return std::chrono::duration<double, std::milli>(b - a).count();
}

class CurlProber final : public Prober {
public:
  CurlProber(const Target& target, const ProbeOptions& options) : m_options(options)
  {
    curl_easy::global_init();
    m_curl = curl_easy_init();
    if (m_curl == nullptr) {
      throw Error("libcurl: cannot create a handle");
    }
    curl_easy::configure(m_curl, {target.url, options.timeout, options.insecure, options.cacert});
    curl_easy_setopt(m_curl, CURLOPT_ERRORBUFFER, m_error);
    curl_easy_setopt(m_curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(m_curl, CURLOPT_XFERINFOFUNCTION, &CurlProber::progress);
    curl_easy_setopt(m_curl, CURLOPT_XFERINFODATA, this);
    curl_easy_setopt(m_curl, CURLOPT_WRITEFUNCTION, &CurlProber::write_body);
    curl_easy_setopt(m_curl, CURLOPT_WRITEDATA, this);
    if (options.fresh_connection) {
      // Like the original's curl process per probe: DNS, connect and TLS
      // every time.
      curl_easy_setopt(m_curl, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(m_curl, CURLOPT_FORBID_REUSE, 1L);
      curl_easy_setopt(m_curl, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
    }
    if (options.method == "HEAD") {
      curl_easy_setopt(m_curl, CURLOPT_NOBODY, 1L);
    } else if (options.method != "GET") {
      curl_easy_setopt(m_curl, CURLOPT_CUSTOMREQUEST, m_options.method.c_str());
    }
    for (const auto& header : options.headers) {
      m_headers = curl_slist_append(m_headers, header.c_str());
    }
    if (m_headers != nullptr) {
      curl_easy_setopt(m_curl, CURLOPT_HTTPHEADER, m_headers);
    }
  }

  ~CurlProber() override
  {
    curl_easy_cleanup(m_curl);
    curl_slist_free_all(m_headers);
  }
  CurlProber(const CurlProber&) = delete;
  CurlProber& operator=(const CurlProber&) = delete;

  ProbeResult probe() override
  {
    m_error[0] = '\0';
    m_interrupted = false;
    m_body.clear();
    m_body_bytes = 0;
    const CURLcode code = curl_easy_perform(m_curl);
    ProbeResult result;
    result.body_bytes = m_body_bytes;
    result.body = std::move(m_body);
    curl_off_t total = 0;
    curl_easy_getinfo(m_curl, CURLINFO_TOTAL_TIME_T, &total);
    result.latency_ms = static_cast<double>(total) / 1e3;
    result.phases = curl_easy::phases(m_curl);
    if (code == CURLE_ABORTED_BY_CALLBACK && m_interrupted) {
      result.interrupted = true;
      return result;
    }
    if (code != CURLE_OK) {
      result.error = classify_curl_error(code);
      result.detail = m_error[0] != '\0' ? std::string(m_error) : std::string(curl_easy_strerror(code));
      return result;
    }
    long response = 0;
    curl_easy_getinfo(m_curl, CURLINFO_RESPONSE_CODE, &response);
    result.response_code = static_cast<int>(response);
    return result;
  }

private:
  static std::size_t write_body(char* data, std::size_t size, std::size_t count, void* self)
  {
    auto* prober = static_cast<CurlProber*>(self);
    const std::size_t bytes = size * count;
    prober->m_body_bytes += bytes;
    const std::size_t limit = prober->m_options.keep_body;
    if (prober->m_body.size() < limit) {
      prober->m_body.append(data, std::min(bytes, limit - prober->m_body.size()));
    }
    return bytes;
  }

  static int progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
  {
    auto* prober = static_cast<CurlProber*>(self);
    if (prober->m_options.stop_requested != nullptr && prober->m_options.stop_requested()) {
      prober->m_interrupted = true;
      return 1; // abort the transfer
    }
    return 0;
  }

  ProbeOptions m_options;
  CURL* m_curl = nullptr;
  curl_slist* m_headers = nullptr;
  char m_error[CURL_ERROR_SIZE] = {};
  bool m_interrupted = false;
  std::string m_body;
  std::uint64_t m_body_bytes = 0;
};

// tcp://host:port: resolve, then a non-blocking connect to each address in
// turn until one is established, within the probe timeout.
class TcpProber final : public Prober {
public:
  TcpProber(const Target& target, const ProbeOptions& options) : m_target(target), m_options(options) {}

  ProbeResult probe() override
  {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const auto deadline = start + std::chrono::duration_cast<clock::duration>(m_options.timeout);
    ProbeResult result;
    const int fd = connect_target(m_target, deadline, m_options, result);
    result.latency_ms = ms_between(start, clock::now());
    if (fd >= 0) {
      ::close(fd);
      result.response_code = 200; // a connect that succeeded
    }
    return result;
  }

private:
  Target m_target;
  ProbeOptions m_options;
};

} // namespace

std::unique_ptr<Prober> make_prober(const Target& target, const ProbeOptions& options)
{
  if (target.scheme == Scheme::tcp) {
    return std::make_unique<TcpProber>(target, options);
  }
  if (target.scheme == Scheme::redis) {
    return make_redis_prober(target, options);
  }
  if (target.scheme == Scheme::postgres) {
    return make_postgres_prober(target, options);
  }
  if (target.scheme == Scheme::icmp) {
    return make_icmp_prober(target, options);
  }
  if (target.scheme == Scheme::dns) {
    return make_dns_prober(target, options);
  }
  return std::make_unique<CurlProber>(target, options);
}

} // namespace smart
