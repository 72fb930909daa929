#include <smart/phone/http_client.hpp>

#include <smart/util/curl_global.hpp>

#include <smart/error.hpp>
#include <smart/util/strings.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace smart {

std::string_view to_string(TransportErrorKind kind)
{
  switch (kind) {
  case TransportErrorKind::timeout:
    return "timeout";
  case TransportErrorKind::connect:
    return "connect";
  case TransportErrorKind::dns:
    return "dns";
  case TransportErrorKind::tls:
    return "tls";
  case TransportErrorKind::reset:
    return "reset";
  case TransportErrorKind::other:
    return "other";
  }
  return "other";
}

namespace {

constexpr std::size_t max_body = 1024 * 1024; // a coach answer is small

struct Received {
  std::string body;
  std::optional<std::string> retry_after;
  bool too_big = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user)
{
  auto* received = static_cast<Received*>(user);
  const std::size_t n = size * count;
  if (received->body.size() + n > max_body) {
    received->too_big = true;
    return 0; // aborts the transfer
  }
  received->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user)
{
  auto* received = static_cast<Received*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(util::trim(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name == "retry-after") {
      received->retry_after = std::string(util::trim(line.substr(colon + 1)));
    }
  } else if (util::starts_with(line, "HTTP/")) {
    received->retry_after.reset(); // a new response (after 100 Continue)
  }
  return n;
}

TransportErrorKind classify(CURLcode code)
{
  switch (code) {
  case CURLE_OPERATION_TIMEDOUT:
    return TransportErrorKind::timeout;
  case CURLE_COULDNT_CONNECT:
    return TransportErrorKind::connect;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
    return TransportErrorKind::dns;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
    return TransportErrorKind::tls;
  case CURLE_GOT_NOTHING:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_PARTIAL_FILE:
    return TransportErrorKind::reset;
  default:
    return TransportErrorKind::other;
  }
}

long to_ms(Seconds duration)
{
  return std::max(1L, static_cast<long>(duration.count() * 1000.0));
}

class CurlClient final : public HttpClient {
public:
  CurlClient() { util::curl_global_init_once(); }

  HttpResult send(const HttpRequest& request) override
  {
    CURL* curl = curl_easy_init();
    if (!curl) {
      return TransportError{TransportErrorKind::other, "curl_easy_init failed"};
    }
    Received received;
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!request.ca_file.empty()) {
      curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, to_ms(request.connect_timeout));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, to_ms(request.total_timeout));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "smart-phone");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &received);
    if (request.method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    } else {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }

    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);

    if (received.too_big) {
      return TransportError{TransportErrorKind::other, "response body larger than 1 MiB"};
    }
    if (code != CURLE_OK) {
      std::string message = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
      return TransportError{classify(code), util::printable(message)};
    }
    return HttpResponse{status, std::move(received.body), std::move(received.retry_after)};
  }
};

} // namespace

std::unique_ptr<HttpClient> make_curl_client()
{
  return std::make_unique<CurlClient>();
}

} // namespace smart
