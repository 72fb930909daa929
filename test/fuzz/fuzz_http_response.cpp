// libFuzzer target: the load client's HTTP/1.1 response parser, which reads
// whatever the measured server (or something in its place) sends. The bytes
// arrive in pieces of a size the input chooses, as a socket would deliver
// them; the parser must say complete, incomplete or error, never crash.
#include <smart/measure/http_response_parser.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size < 2) {
    return 0;
  }
  const std::size_t piece = std::size_t{1} + data[0];
  smart::HttpResponseParser parser;
  parser.keep_body(data[1] % 2 == 0 ? 0 : 64);
  std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  auto status = smart::HttpResponseParser::Status::incomplete;
  // Two responses on one connection: reset() must start cleanly over.
  for (int response = 0; response < 2 && !bytes.empty(); ++response) {
    parser.reset();
    status = smart::HttpResponseParser::Status::incomplete;
    while (!bytes.empty() && status == smart::HttpResponseParser::Status::incomplete) {
      const std::size_t n = std::min(piece, bytes.size());
      status = parser.feed(bytes.substr(0, n));
      bytes.remove_prefix(n);
    }
    if (status == smart::HttpResponseParser::Status::error) {
      return 0;
    }
  }
  if (status == smart::HttpResponseParser::Status::incomplete) {
    status = parser.feed_eof();
  }
  if (status == smart::HttpResponseParser::Status::complete &&
      (parser.status_code() < 100 || parser.status_code() > 999 || parser.body().size() > 64)) {
    std::abort();
  }
  return 0;
}
