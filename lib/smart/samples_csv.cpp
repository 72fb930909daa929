#include <smart/samples_csv.hpp>

#include <smart/error.hpp>
#include <smart/util/atomic_file.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace smart {

namespace {

constexpr std::array<std::string_view, probe_error_count> error_tokens = {
  "",         "dns",      "connect",           "tls",           "timeout",
  "reset",    "other",    "unexpected_status", "body_mismatch", "too_small",
  "nxdomain", "servfail", "refused",           "dns_rcode"};

// Splits a line on commas into at most fields.size() views; returns the count
// (which may exceed fields.size(): the extra fields are counted, not kept).
// Bytes of word equal to zero, as 0x80 in their byte (exact, no borrows
// between bytes).
constexpr std::uint64_t zero_bytes(std::uint64_t word)
{
  constexpr std::uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
  return ~(((word & low7) + low7) | word) & ~low7;
}

// The fields of a line as end offsets: no 16 string_views to zero per row
// (that alone was ~5 % of smart-decide's instructions).
struct Fields {
  static constexpr std::size_t capacity = 16;
  const char* data = nullptr;
  std::array<std::uint32_t, capacity> ends; // left uninitialised: split_fields sets [0, count)

  static constexpr std::size_t size() { return capacity; }
  std::string_view operator[](std::size_t i) const
  {
    const std::uint32_t start = i == 0 ? 0 : ends[i - 1] + 1;
    return {data + start, ends[i] - start};
  }
};

std::size_t split_fields(std::string_view line, Fields& fields, bool& has_nul)
{
  // Eight bytes at a time (SWAR): commas and NULs as bit masks. Rows are
  // ~40 bytes; a byte loop or a memchr per field was most of smart-decide's
  // time on big files.
  constexpr std::uint64_t commas = 0x2C2C2C2C2C2C2C2CULL;
  std::size_t count = 0;
  std::uint64_t nul = 0;
  const char* data = line.data();
  const std::size_t size = line.size();
  fields.data = data;
  const auto cut = [&](std::size_t at) {
    if (count < fields.size()) {
      fields.ends[count] = static_cast<std::uint32_t>(at);
    }
    ++count;
  };
  std::size_t i = 0;
  for (; std::endian::native == std::endian::little && i + 8 <= size; i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, data + i, 8);
    nul |= zero_bytes(word);
    for (std::uint64_t mask = zero_bytes(word ^ commas); mask != 0; mask &= mask - 1) {
      cut(i + static_cast<std::size_t>(__builtin_ctzll(mask)) / 8); // little-endian byte order
    }
  }
  for (; i < size; ++i) {
    nul |= data[i] == '\0' ? 1 : 0;
    if (data[i] == ',') {
      cut(i);
    }
  }
  cut(size);
  has_nul = nul != 0;
  return count;
}

// util::trim, without the call for the usual field that has nothing to trim.
[[gnu::always_inline]] inline std::string_view field_text(std::string_view text)
{
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  if (text.empty() || (!is_space(text.front()) && !is_space(text.back()))) {
    return text;
  }
  return util::trim(text);
}

// Parses "123" or "123.456" (up to 15 digits) exactly as strtod would:
// digits / 10^k with both exactly representable is one correctly rounded
// division (Clinger's fast path). false for any other form, which then
// goes to std::from_chars.
[[gnu::always_inline]] inline bool parse_simple_decimal(std::string_view text, double& out)
{
  static constexpr double powers[] = {1,   1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  // Integer digits, then optionally a dot and fraction digits: two tight
  // loops rather than one with a branch for the dot on every byte.
  const char* p = text.data();
  const char* const end = p + text.size();
  std::uint64_t digits = 0;
  const auto run = [&] {
    const char* const from = p;
    for (; p != end && static_cast<unsigned char>(*p - '0') < 10; ++p) {
      digits = digits * 10 + static_cast<std::uint64_t>(*p - '0');
    }
    return static_cast<std::size_t>(p - from);
  };
  const std::size_t whole = run();
  std::size_t decimals = 0;
  if (p != end) {
    if (*p != '.') {
      return false;
    }
    ++p;
    decimals = run();
    if (decimals == 0 || p != end) {
      return false;
    }
  }
  const std::size_t count = whole + decimals;
  if (count == 0 || count > 15) {
    return false;
  }
  out = static_cast<double>(digits) / powers[decimals];
  return true;
}

bool looks_numeric(std::string_view text)
{
  return !text.empty() && ((text[0] >= '0' && text[0] <= '9') || text[0] == '.');
}

// A response code of up to three digits. The original wrote "000000"
// (curl's 000 twice): leading zeros are fine.
std::optional<unsigned> parse_code(std::string_view text)
{
  unsigned code = 0;
  bool digits_only = !text.empty() && text.size() <= 9;
  for (const char c : text) {
    digits_only = digits_only && c >= '0' && c <= '9';
    code = code * 10 + static_cast<unsigned>(c - '0');
  }
  if (!digits_only || code > 999) {
    return std::nullopt;
  }
  return code;
}

// Milliseconds, finite and not negative. Stored as float: what would become
// +inf there is no latency either.
std::optional<double> parse_latency(std::string_view text)
{
  double latency = 0;
  bool ok = parse_simple_decimal(text, latency);
  if (!ok) {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), latency);
    ok = !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
  }
  if (!ok || !std::isfinite(latency) || latency < 0 ||
      latency > static_cast<double>(std::numeric_limits<float>::max())) {
    return std::nullopt;
  }
  return latency;
}

std::optional<std::uint32_t> parse_block(std::string_view text)
{
  std::uint32_t block = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), block);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return block;
}

} // namespace

std::string_view to_token(ProbeError error)
{
  return error_tokens.at(static_cast<std::size_t>(error));
}

std::optional<ProbeError> probe_error_from_token(std::string_view token)
{
  for (std::size_t i = 0; i < error_tokens.size(); ++i) {
    if (error_tokens[i] == token) {
      return static_cast<ProbeError>(i);
    }
  }
  return std::nullopt;
}

std::optional<StatusSet> StatusSet::parse(std::string_view text)
{
  StatusSet set;
  set.m_default = false;
  const auto number = [](std::string_view t) -> std::optional<int> {
    int value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size() || value < 100 || value > 599) {
      return std::nullopt;
    }
    return value;
  };
  while (true) {
    const auto comma = text.find(',');
    const auto item = util::trim(text.substr(0, comma));
    const auto dash = item.find('-');
    const auto low = number(util::trim(item.substr(0, dash)));
    const auto high = dash == std::string_view::npos ? low : number(util::trim(item.substr(dash + 1)));
    if (!low || !high || *high < *low) {
      return std::nullopt;
    }
    set.m_ranges.emplace_back(*low, *high);
    if (comma == std::string_view::npos) {
      break;
    }
    text.remove_prefix(comma + 1);
  }
  return set;
}

std::optional<StatusSet> StatusSet::default_and(std::string_view text)
{
  auto set = parse(text);
  if (set) {
    set->m_default = true;
  }
  return set;
}

bool StatusSet::listed(int code) const
{
  return std::any_of(m_ranges.begin(), m_ranges.end(),
                     [code](const auto& range) { return code >= range.first && code <= range.second; });
}

bool StatusSet::contains(int code) const
{
  return (m_default && code >= 200 && code <= 399) || listed(code);
}

std::string StatusSet::text() const
{
  std::string out = m_default ? "200-399" : "";
  for (const auto& [low, high] : m_ranges) {
    out += out.empty() ? "" : ",";
    out += low == high ? std::to_string(low) : fmt::format("{}-{}", low, high);
  }
  return out;
}

ProbeError classify_sample(int response_code, ProbeError token, const StatusSet& ok)
{
  if (response_code == 0) {
    return token == ProbeError::none ? ProbeError::other : token;
  }
  if (token == ProbeError::unexpected_status) {
    return ok.listed(response_code) ? ProbeError::none : ProbeError::unexpected_status;
  }
  if (!ok.contains(response_code)) {
    return ProbeError::unexpected_status;
  }
  return token;
}

void SampleSet::push_back(float latency, std::uint16_t code, ProbeError err)
{
  latency_ms.push_back(latency);
  response_code.push_back(code);
  error.push_back(err);
}

SamplesParser::SamplesParser(std::string name) : m_name(std::move(name))
{
}

SamplesParser::SamplesParser(std::string name, SampleCallback on_sample)
  : m_name(std::move(name)), m_on_sample(std::move(on_sample))
{
}

void SamplesParser::fail(std::string_view why) const
{
  throw UsageError("{}:{}: {}", m_name, m_line, why);
}

void SamplesParser::parse_header(std::string_view line)
{
  Fields fields;
  bool has_nul = false;
  const std::size_t count = split_fields(line, fields, has_nul);
  if (count > fields.size()) {
    fail(fmt::format("too many columns in header ({}; at most {})", count, fields.size()));
  }
  m_col_timestamp = m_col_latency = m_col_code = m_col_error = m_col_block = m_col_target = -1;
  for (std::size_t i = 0; i < count; ++i) {
    const auto name = util::trim(fields[i]);
    const int index = static_cast<int>(i);
    if (name == "timestamp" || name == "ts") {
      m_col_timestamp = index;
    } else if (name == "latency_ms") {
      m_col_latency = index;
    } else if (name == "response_code" || name == "rcode") {
      m_col_code = index;
    } else if (name == "error") {
      m_col_error = index;
    } else if (name == "block") {
      m_col_block = index;
    } else if (name == "target") {
      m_col_target = index;
    }
  }
  if (m_col_latency < 0) {
    fail("header has no latency_ms column");
  }
  if (m_col_code < 0) {
    fail("header has no response_code (or rcode) column");
  }
  m_columns = static_cast<int>(count);
}

ProbeError SamplesParser::error_of(std::string_view token, bool present, unsigned code) const
{
  ProbeError err = ProbeError::none;
  if (present && !token.empty()) {
    const auto parsed = probe_error_from_token(token);
    if (!parsed) {
      fail(fmt::format("invalid error token '{}' (expected dns, connect, tls, timeout, reset, other, "
                       "unexpected_status, body_mismatch, too_small, nxdomain, servfail, refused, dns_rcode "
                       "or empty)",
                       util::printable(token, 40)));
    }
    err = *parsed;
  }
  if (code == 0 && err == ProbeError::none) {
    err = ProbeError::other; // the original's "000": no response, cause unknown
  }
  return err;
}

void SamplesParser::parse_line(std::string_view line)
{
  ++m_line;
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  Fields fields;
  bool has_nul = false;
  const std::size_t count = split_fields(line, fields, has_nul);
  if (has_nul) {
    fail("binary data (NUL byte) where CSV text was expected");
  }
  if (count == 1 && util::trim(line).empty()) {
    return; // blank lines (a trailing one, say) carry nothing
  }
  m_seen_content = true;
  if (!m_header_done) {
    m_header_done = true;
    // A first line whose latency field is a number is data: the original
    // scripts could write files without a header (timestamp, latency, code).
    if (count < 2 || !looks_numeric(util::trim(fields[1]))) {
      parse_header(line);
      return;
    }
  }
  if (static_cast<int>(count) < m_columns) {
    fail(fmt::format("expected {} fields, found {}", m_columns, count));
  }
  if (m_col_timestamp >= 0 && field_text(fields[static_cast<std::size_t>(m_col_timestamp)]).empty()) {
    fail("empty timestamp");
  }

  const auto code_text = field_text(fields[static_cast<std::size_t>(m_col_code)]);
  const auto parsed_code = parse_code(code_text);
  if (!parsed_code) {
    fail(fmt::format("invalid response code '{}'", util::printable(code_text, 40)));
  }
  const unsigned code = *parsed_code;

  const bool has_error = m_col_error >= 0 && static_cast<std::size_t>(m_col_error) < count;
  const ProbeError err =
    error_of(has_error ? field_text(fields[static_cast<std::size_t>(m_col_error)]) : std::string_view{},
             has_error, code);

  const auto latency_text = field_text(fields[static_cast<std::size_t>(m_col_latency)]);
  double latency = 0;
  if (!(latency_text.empty() && code == 0)) { // no response, no latency
    const auto parsed = parse_latency(latency_text);
    if (!parsed) {
      fail(fmt::format("invalid latency_ms '{}'", util::printable(latency_text, 40)));
    }
    latency = *parsed;
  }

  std::uint32_t block = 0;
  if (m_col_block >= 0) {
    const auto block_text = util::trim(fields[static_cast<std::size_t>(m_col_block)]);
    const auto parsed = parse_block(block_text);
    if (!parsed) {
      fail(fmt::format("invalid block '{}'", util::printable(block_text, 40)));
    }
    block = *parsed;
  }
  if (m_on_sample) {
    const std::string_view target =
      m_col_target >= 0 ? field_text(fields[static_cast<std::size_t>(m_col_target)]) : std::string_view{};
    m_on_sample(ParsedSample{static_cast<float>(latency), static_cast<std::uint16_t>(code), err,
                             m_col_block >= 0, block, target});
    return;
  }
  if (m_col_block >= 0) {
    m_samples.block.push_back(block);
  }
  m_samples.push_back(static_cast<float>(latency), static_cast<std::uint16_t>(code), err);
}

void SamplesParser::feed(std::string_view chunk)
{
  while (!chunk.empty()) {
    const auto newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      if (m_partial.size() + chunk.size() > max_line_length) {
        ++m_line;
        fail(fmt::format("line longer than {} bytes", max_line_length));
      }
      m_partial.append(chunk);
      return;
    }
    if (m_partial.empty()) {
      if (newline > max_line_length) {
        ++m_line;
        fail(fmt::format("line longer than {} bytes", max_line_length));
      }
      parse_line(chunk.substr(0, newline));
    } else {
      if (m_partial.size() + newline > max_line_length) {
        ++m_line;
        fail(fmt::format("line longer than {} bytes", max_line_length));
      }
      m_partial.append(chunk.substr(0, newline));
      parse_line(m_partial);
      m_partial.clear();
    }
    chunk.remove_prefix(newline + 1);
  }
}

SampleSet SamplesParser::finish()
{
  if (!m_partial.empty()) {
    parse_line(m_partial); // no final newline
    m_partial.clear();
  }
  if (!m_seen_content) {
    throw UsageError("{}: empty file (no header, no samples)", m_name);
  }
  return std::move(m_samples);
}

SampleSet parse_samples(std::string_view content, std::string_view name)
{
  SamplesParser parser{std::string(name)};
  parser.feed(content);
  return parser.finish();
}

namespace {

// Feeds the file (or stdin for "-") to parser in 1 MiB reads.
SampleSet read_into(const std::filesystem::path& path, const std::string& name, SamplesParser& parser)
{
  const bool is_stdin = path == "-";
  int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw UsageError("{}: {}", name, std::strerror(errno));
  }
  if (!is_stdin) {
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  std::vector<char> buffer(1 << 20);
  try {
    while (true) {
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw UsageError("{}: {}", name, std::strerror(errno));
      }
      if (n == 0) {
        break;
      }
      parser.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
  } catch (...) {
    if (!is_stdin) {
      ::close(fd);
    }
    throw;
  }
  if (!is_stdin) {
    ::close(fd);
  }
  return parser.finish();
}

std::string display_name(const std::filesystem::path& path)
{
  return path == "-" ? std::string("<stdin>") : path.string();
}

} // namespace

SampleSet read_samples(const std::filesystem::path& path)
{
  const std::string name = display_name(path);
  SamplesParser parser(name);
  return read_into(path, name, parser);
}

void read_samples(const std::filesystem::path& path, const SampleCallback& on_sample)
{
  const std::string name = display_name(path);
  SamplesParser parser(name, on_sample);
  read_into(path, name, parser);
}

std::string format_sample_row(const SampleRow& row)
{
  return fmt::format("{},{:.3f},{},{}", util::format_rfc3339_ms(row.timestamp), row.latency_ms,
                     row.response_code, to_token(row.error));
}

SampleSet read_complete_samples(const std::filesystem::path& path)
{
  std::string text;
  try {
    text = util::read_file(path);
  } catch (const util::Failure&) {
    return {};
  }
  const auto end = text.rfind('\n');
  if (end == std::string::npos) {
    return {};
  }
  text.resize(end + 1);
  try {
    return parse_samples(text, path.string());
  } catch (const util::Failure&) {
    return {};
  }
}

void append_block_rows(const std::filesystem::path& src, const std::filesystem::path& dst, int block)
{
  const auto text = util::read_file(src);
  auto lines = util::split(text, '\n');
  std::string header;
  std::size_t first = 0;
  if (!lines.empty()) {
    auto line = lines[0];
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (!line.empty() && std::isalpha(static_cast<unsigned char>(line[0]))) {
      header = std::string(line);
      first = 1;
    }
  }
  if (header.empty()) {
    header = "timestamp,latency_ms,response_code";
  }
  bool has_block = false;
  for (auto column : util::split(header, ',')) {
    has_block = has_block || util::trim(column) == "block";
  }
  std::string out;
  std::error_code ec;
  if (!std::filesystem::exists(dst, ec) || std::filesystem::file_size(dst, ec) == 0) {
    out += header + (has_block ? "" : ",block") + "\n";
  }
  for (std::size_t i = first; i < lines.size(); ++i) {
    auto line = lines[i];
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (util::trim(line).empty()) {
      continue;
    }
    out += std::string(line) + (has_block ? "" : fmt::format(",{}", block)) + "\n";
  }
  if (!out.empty()) {
    out.pop_back();
    util::append_line(dst, out);
  }
}

} // namespace smart
