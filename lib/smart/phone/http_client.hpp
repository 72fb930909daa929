#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

// The one seam between smart and the network for the coach: send a request,
// get a response or a transport failure back as a value. Tests of the retry
// policy substitute a fake; make_curl_client() is the real one (libcurl).
//
// The real client verifies TLS (peer and host name) always; ca_file adds a
// private CA bundle. It never logs headers or bodies (they carry the token),
// and never follows redirects (a redirect would resend the Bearer token to
// somewhere the operator did not name).

namespace smart {

using Seconds = std::chrono::duration<double>;

struct HttpRequest {
  std::string method = "POST"; // POST or GET
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Seconds connect_timeout{5};
  Seconds total_timeout{10};
  std::filesystem::path ca_file; // empty: the system's CA store
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::optional<std::string> retry_after; // the Retry-After header, verbatim
};

// Why no response came. Every kind is worth a retry except `other`, which
// covers bad URLs and unsupported schemes (a retry cannot fix them).
enum class TransportErrorKind { timeout, connect, dns, tls, reset, other };

struct TransportError {
  TransportErrorKind kind = TransportErrorKind::other;
  std::string message; // libcurl's explanation, safe to print (no secrets)
};

using HttpResult = std::variant<HttpResponse, TransportError>;

std::string_view to_string(TransportErrorKind kind);

class HttpClient {
public:
  virtual ~HttpClient() = default;
  virtual HttpResult send(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpClient> make_curl_client();

} // namespace smart
