#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// An incremental HTTP/1.1 response parser for the load client: status line,
// the headers that frame the body (Content-Length, Transfer-Encoding:
// chunked, Connection), then the body, which is counted and dropped. Feed it
// bytes as they arrive; it says when the response is complete. Pure.

namespace smart {

class HttpResponseParser {
public:
  enum class Status { incomplete, complete, error };

  static constexpr std::size_t max_line_length = 16 * 1024;

  // Starts over for the next response on the same connection.
  void reset();

  // Consumes bytes; returns complete once the whole response is in (bytes
  // after it are ignored: the client never pipelines), error for a
  // malformed response (why() says what).
  Status feed(std::string_view bytes);

  // The peer closed the connection: completes a response framed by the
  // close (no length, not chunked); otherwise an incomplete response stays
  // incomplete.
  Status feed_eof();

  int status_code() const { return m_code; }
  // The server wants the connection closed after this response.
  bool close_after() const { return m_close; }
  std::uint64_t body_bytes() const { return m_body_bytes; }
  // Keeps the first limit bytes of each body (0, the default: none), for
  // the response checks that read it.
  void keep_body(std::size_t limit) { m_keep_body = limit; }
  const std::string& body() const { return m_body; }
  // The response answers a HEAD request: headers only, whatever
  // Content-Length says. Kept across reset().
  void head_request(bool head) { m_head = head; }
  bool started() const { return m_started; }
  const std::string& why() const { return m_why; }

private:
  enum class State {
    status_line,
    headers,
    body_length,
    chunk_size,
    chunk_data,
    chunk_crlf,
    trailers,
    body_until_close,
    done,
    failed
  };

  Status fail(std::string why);
  bool take_line(std::string_view& bytes, std::string_view& line, bool& have_line);
  Status on_status_line(std::string_view line);
  Status on_header_line(std::string_view line);
  Status on_headers_end();
  // A whole line in a line-wise state (status, headers, chunk framing).
  Status on_line(std::string_view line);
  Status on_chunk_size(std::string_view line);
  void take_body(std::string_view bytes);

  State m_state = State::status_line;
  std::string m_line;
  int m_code = 0;
  int m_minor_version = 1;
  bool m_close = false;
  bool m_keep_alive_header = false;
  bool m_head = false;
  bool m_chunked = false;
  bool m_has_length = false;
  bool m_started = false;
  std::uint64_t m_remaining = 0;
  std::uint64_t m_body_bytes = 0;
  std::size_t m_keep_body = 0;
  std::string m_body;
  std::string m_why;
};

} // namespace smart
