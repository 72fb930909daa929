#include <smart/measure/http_response_parser.hpp>

#include <smart/util/strings.hpp>

#include <charconv>

namespace smart {

namespace {

bool iequals(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// Whether a comma-separated header value lists token (no allocation: this
// runs for every response under load).
bool contains_token(std::string_view value, std::string_view token)
{
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (iequals(util::trim(value.substr(0, comma)), token)) {
      return true;
    }
    if (comma == std::string_view::npos) {
      break;
    }
    value.remove_prefix(comma + 1);
  }
  return false;
}

} // namespace

void HttpResponseParser::reset()
{
  m_state = State::status_line;
  m_line.clear(); // keeps its capacity for the next response
  m_code = 0;
  m_minor_version = 1;
  m_close = m_keep_alive_header = m_chunked = m_has_length = m_started = false;
  m_remaining = m_body_bytes = 0;
  m_body.clear();
  m_why.clear();
}

void HttpResponseParser::take_body(std::string_view bytes)
{
  m_body_bytes += bytes.size();
  if (m_body.size() < m_keep_body) {
    m_body.append(bytes.substr(0, m_keep_body - m_body.size()));
  }
}

HttpResponseParser::Status HttpResponseParser::fail(std::string why)
{
  m_state = State::failed;
  m_why = std::move(why);
  return Status::error;
}

// Takes one CRLF- (or LF-) terminated line; a line split across feeds is
// assembled in m_line.
bool HttpResponseParser::take_line(std::string_view& bytes, std::string_view& line, bool& have_line)
{
  const auto nl = bytes.find('\n');
  if (nl == std::string_view::npos) {
    if (m_line.size() + bytes.size() > max_line_length) {
      return false;
    }
    m_line.append(bytes);
    bytes = {};
    have_line = false;
    return true;
  }
  if (m_line.empty()) {
    line = bytes.substr(0, nl);
  } else {
    if (m_line.size() + nl > max_line_length) {
      return false;
    }
    m_line.append(bytes.substr(0, nl));
    line = m_line;
  }
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  bytes.remove_prefix(nl + 1);
  have_line = true;
  return true;
}

HttpResponseParser::Status HttpResponseParser::on_status_line(std::string_view line)
{
  // "HTTP/1.1 200 OK"
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
    return fail("malformed status line '" + util::printable(line, 60) + "'");
  }
  m_minor_version = line[7] - '0';
  int code = 0;
  auto [ptr, ec] = std::from_chars(line.data() + 9, line.data() + 12, code);
  if (ec != std::errc() || ptr != line.data() + 12 || code < 100 || code > 999) {
    return fail("malformed status code in '" + util::printable(line, 60) + "'");
  }
  m_code = code;
  m_state = State::headers;
  return Status::incomplete;
}

HttpResponseParser::Status HttpResponseParser::on_header_line(std::string_view line)
{
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail("malformed header line '" + util::printable(line, 60) + "'");
  }
  const auto name = line.substr(0, colon);
  // Only three headers frame a response; skip the rest by length first.
  if (name.size() != 14 && name.size() != 17 && name.size() != 10) {
    return Status::incomplete;
  }
  const auto value = util::trim(line.substr(colon + 1));
  if (iequals(name, "content-length")) {
    std::uint64_t length = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (value.empty() || ec != std::errc() || ptr != value.data() + value.size()) {
      return fail("invalid Content-Length '" + util::printable(value, 40) + "'");
    }
    m_has_length = true;
    m_remaining = length;
  } else if (iequals(name, "transfer-encoding")) {
    m_chunked = contains_token(value, "chunked");
  } else if (iequals(name, "connection")) {
    if (contains_token(value, "close")) {
      m_close = true;
    }
    if (contains_token(value, "keep-alive")) {
      m_keep_alive_header = true;
    }
  }
  return Status::incomplete;
}

HttpResponseParser::Status HttpResponseParser::on_headers_end()
{
  if (m_code >= 100 && m_code < 200 && m_code != 101) {
    // An interim response (100 Continue, 103 Early Hints): the real one follows.
    m_state = State::status_line;
    m_code = 0;
    m_has_length = m_chunked = false;
    return Status::incomplete;
  }
  if (m_minor_version == 0 && !m_keep_alive_header) {
    m_close = true;
  }
  if (m_code == 204 || m_code == 304 || m_head) {
    m_state = State::done;
    return Status::complete;
  }
  if (m_chunked) {
    m_state = State::chunk_size;
  } else if (m_has_length) {
    m_state = m_remaining == 0 ? State::done : State::body_length;
  } else {
    m_state = State::body_until_close;
    m_close = true;
  }
  return m_state == State::done ? Status::complete : Status::incomplete;
}

HttpResponseParser::Status HttpResponseParser::on_chunk_size(std::string_view line)
{
  const auto size_text = util::trim(line.substr(0, line.find(';')));
  std::uint64_t size = 0;
  auto [ptr, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
  if (size_text.empty() || ec != std::errc() || ptr != size_text.data() + size_text.size()) {
    return fail("invalid chunk size '" + util::printable(size_text, 40) + "'");
  }
  if (size == 0) {
    m_state = State::trailers;
  } else {
    m_remaining = size;
    m_state = State::chunk_data;
  }
  return Status::incomplete;
}

HttpResponseParser::Status HttpResponseParser::on_line(std::string_view line)
{
  switch (m_state) {
  case State::status_line:
    return on_status_line(line);
  case State::headers:
    return line.empty() ? on_headers_end() : on_header_line(line);
  case State::chunk_size:
    return on_chunk_size(line);
  case State::chunk_crlf:
    if (!line.empty()) {
      return fail("missing CRLF after chunk data");
    }
    m_state = State::chunk_size;
    return Status::incomplete;
  case State::trailers:
    if (line.empty()) {
      m_state = State::done;
      return Status::complete;
    }
    return Status::incomplete;
  default:
    return Status::incomplete;
  }
}

HttpResponseParser::Status HttpResponseParser::feed(std::string_view bytes)
{
  if (!bytes.empty()) {
    m_started = true;
  }
  while (true) {
    switch (m_state) {
    case State::done:
      return Status::complete;
    case State::failed:
      return Status::error;
    case State::body_until_close:
      take_body(bytes);
      return Status::incomplete;
    case State::body_length: {
      const auto take = bytes.size() < m_remaining ? bytes.size() : static_cast<std::size_t>(m_remaining);
      m_remaining -= take;
      take_body(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (m_remaining == 0) {
        m_state = State::done;
        return Status::complete;
      }
      return Status::incomplete;
    }
    case State::chunk_data: {
      const auto take = bytes.size() < m_remaining ? bytes.size() : static_cast<std::size_t>(m_remaining);
      m_remaining -= take;
      take_body(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (m_remaining > 0) {
        return Status::incomplete;
      }
      m_state = State::chunk_crlf;
      break;
    }
    default: {
      if (bytes.empty()) {
        return Status::incomplete;
      }
      std::string_view line;
      bool have_line = false;
      if (!take_line(bytes, line, have_line)) {
        return fail("line longer than 16 KiB");
      }
      if (!have_line) {
        return Status::incomplete;
      }
      const Status status = on_line(line);
      m_line.clear();
      if (status != Status::incomplete) {
        return status;
      }
    }
    }
  }
}

HttpResponseParser::Status HttpResponseParser::feed_eof()
{
  if (m_state == State::body_until_close) {
    m_state = State::done;
    return Status::complete;
  }
  if (m_state == State::done) {
    return Status::complete;
  }
  if (m_state == State::failed) {
    return Status::error;
  }
  return Status::incomplete;
}

} // namespace smart
