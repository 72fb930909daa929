#include <smart/measure/dns_message.hpp>

#include <smart/util/failure.hpp>
#include <smart/util/strings.hpp>

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <utility>

namespace smart {

namespace {

constexpr std::array<std::pair<std::string_view, std::uint16_t>, 16> dns_types = {{
  {"A", 1},
  {"NS", 2},
  {"CNAME", 5},
  {"SOA", 6},
  {"PTR", 12},
  {"HINFO", 13},
  {"MX", 15},
  {"TXT", 16},
  {"AAAA", 28},
  {"SRV", 33},
  {"NAPTR", 35},
  {"DS", 43},
  {"DNSKEY", 48},
  {"HTTPS", 65},
  {"ANY", 255},
  {"CAA", 257},
}};

constexpr std::size_t header_size = 12;

char lower(char c)
{
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool valid_label_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// The name of the path ("/NAME"), checked label by label.
std::string parse_name(std::string_view name)
{
  if (name.empty()) {
    throw util::Failure("no name to resolve (dns://SERVER/NAME)");
  }
  if (name == ".") {
    return {};
  }
  if (name.back() == '.') {
    name.remove_suffix(1);
  }
  if (name.size() > 253) {
    throw util::Failure(fmt::format("name: {} characters, at most 253", name.size()));
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto dot = name.find('.', start);
    const auto label =
      name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) {
      throw util::Failure(fmt::format("name '{}': empty label", util::printable(name, 80)));
    }
    if (label.size() > 63) {
      throw util::Failure(fmt::format("name: label '{}...' is longer than 63 characters",
                                      util::printable(label.substr(0, 20), 30)));
    }
    for (const char c : label) {
      if (!valid_label_char(c)) {
        throw util::Failure(fmt::format("name '{}': character '{}' (letters, digits, '-' and '_' only)",
                                        util::printable(name, 80), util::printable(std::string_view(&c, 1))));
      }
    }
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return std::string(name);
}

void put16(std::string& out, std::uint16_t value)
{
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value & 0xff));
}

std::uint16_t get16(std::string_view data, std::size_t at)
{
  return static_cast<std::uint16_t>((static_cast<unsigned char>(data[at]) << 8) |
                                    static_cast<unsigned char>(data[at + 1]));
}

// The offset after the (possibly compressed) name at AT, or nullopt when it
// runs past the message or is malformed.
std::optional<std::size_t> skip_name(std::string_view message, std::size_t at)
{
  std::size_t length = 0;
  while (at < message.size()) {
    const auto byte = static_cast<unsigned char>(message[at]);
    if (byte == 0) {
      return at + 1;
    }
    if ((byte & 0xc0) == 0xc0) {
      if (at + 2 > message.size() ||
          (((byte & 0x3fU) << 8) | static_cast<unsigned char>(message[at + 1])) >= message.size()) {
        return std::nullopt;
      }
      return at + 2;
    }
    if ((byte & 0xc0) != 0) {
      return std::nullopt; // reserved label types
    }
    length += byte + 1U;
    if (length > 255) {
      return std::nullopt;
    }
    at += byte + 1U;
  }
  return std::nullopt;
}

DnsReply failed(ProbeError error, std::string detail)
{
  DnsReply reply;
  reply.verdict = DnsReply::Verdict::failed;
  reply.error = error;
  reply.detail = std::move(detail);
  return reply;
}

ProbeError rcode_error(unsigned rcode)
{
  switch (rcode) {
  case 2:
    return ProbeError::servfail;
  case 3:
    return ProbeError::nxdomain;
  case 5:
    return ProbeError::refused;
  default:
    return ProbeError::dns_rcode;
  }
}

std::string_view rcode_name(unsigned rcode)
{
  constexpr std::array<std::string_view, 11> names = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                      "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                      "NXRRSET", "NOTAUTH", "NOTZONE"};
  return rcode < names.size() ? names[rcode] : std::string_view("RCODE");
}

bool same_question(std::string_view reply, std::string_view query)
{
  const std::size_t length = query.size() - header_size;
  if (reply.size() < header_size + length) {
    return false;
  }
  for (std::size_t i = header_size; i < query.size(); ++i) {
    if (lower(reply[i]) != lower(query[i])) { // a server may answer in 0x20 mixed case
      return false;
    }
  }
  return true;
}

std::uint16_t parse_expect(std::string_view value)
{
  unsigned n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || n < 1 || n > 65535) {
    throw util::Failure(
      fmt::format("expect '{}': the fewest answer records, 1-65535", util::printable(value, 40)));
  }
  return static_cast<std::uint16_t>(n);
}

} // namespace

DnsQuestion parse_dns_question(std::string_view path)
{
  if (path.empty() || path.front() != '/') {
    throw util::Failure("no name to resolve (dns://SERVER/NAME)");
  }
  path.remove_prefix(1);
  const auto question_mark = path.find('?');
  const auto name_text = path.substr(0, question_mark);
  if (name_text.find('/') != std::string_view::npos) {
    throw util::Failure(fmt::format("name '{}': one name, no '/' in it", util::printable(name_text, 80)));
  }
  DnsQuestion question;
  question.name = parse_name(name_text);
  if (question_mark == std::string_view::npos) {
    return question;
  }
  std::string_view query = path.substr(question_mark + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = param.find('=');
    const auto key = param.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
    if (key == "expect") {
      question.expect = parse_expect(value);
      continue;
    }
    if (key != "type") {
      throw util::Failure(fmt::format("unknown parameter '{}' (expected type=A, AAAA, MX, ... or expect=N)",
                                      util::printable(key, 40)));
    }
    const auto type = dns_type_number(value);
    if (!type) {
      throw util::Failure(fmt::format("type '{}': not a DNS record type (A, AAAA, MX, TXT, ... or TYPEnnn)",
                                      util::printable(value, 40)));
    }
    question.type = *type;
  }
  return question;
}

std::string dns_type_name(std::uint16_t type)
{
  for (const auto& [name, number] : dns_types) {
    if (number == type) {
      return std::string(name);
    }
  }
  return fmt::format("TYPE{}", type);
}

std::optional<std::uint16_t> dns_type_number(std::string_view name)
{
  std::string upper;
  for (const char c : name) {
    upper.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  for (const auto& [known, number] : dns_types) {
    if (upper == known) {
      return number;
    }
  }
  if (upper.size() > 4 && upper.compare(0, 4, "TYPE") == 0) {
    unsigned number = 0;
    const char* begin = upper.data() + 4;
    const char* end = upper.data() + upper.size();
    auto [ptr, ec] = std::from_chars(begin, end, number);
    if (ec == std::errc() && ptr == end && number >= 1 && number <= 65535) {
      return static_cast<std::uint16_t>(number);
    }
  }
  return std::nullopt;
}

std::string dns_encode_query(const DnsQuestion& question, std::uint16_t id)
{
  std::string out;
  out.reserve(header_size + question.name.size() + 6);
  put16(out, id);
  put16(out, 0x0100); // a standard query, recursion desired
  put16(out, 1);      // QDCOUNT
  put16(out, 0);      // ANCOUNT
  put16(out, 0);      // NSCOUNT
  put16(out, 0);      // ARCOUNT
  std::size_t start = 0;
  while (start < question.name.size()) {
    auto dot = question.name.find('.', start);
    if (dot == std::string::npos) {
      dot = question.name.size();
    }
    out.push_back(static_cast<char>(dot - start));
    out.append(question.name, start, dot - start);
    start = dot + 1;
  }
  out.push_back('\0');
  put16(out, question.type);
  put16(out, 1); // class IN
  return out;
}

DnsReply dns_check_reply(std::string_view reply, std::string_view query)
{
  if (reply.size() < 3 || query.size() < header_size || get16(reply, 0) != get16(query, 0) ||
      (static_cast<unsigned char>(reply[2]) & 0x80) == 0) {
    return {}; // not an answer to this query: a late or stray datagram
  }
  if (reply.size() < header_size) {
    return failed(ProbeError::other,
                  fmt::format("reply of {} bytes, shorter than a DNS header", reply.size()));
  }
  const auto flags = get16(reply, 2);
  if ((flags & 0x0200) != 0) {
    return failed(ProbeError::other, "truncated reply (TC set): the answer does not fit a UDP datagram");
  }
  const unsigned rcode = flags & 0x0f;
  const auto qdcount = get16(reply, 4);
  if (!(qdcount == 0 && rcode != 0) && (qdcount != 1 || !same_question(reply, query))) {
    return failed(ProbeError::other, "the reply does not echo the question asked");
  }
  // Every record it declares must be whole: a garbled reply is an error
  // even when its RCODE says more.
  std::size_t at = qdcount == 0 ? header_size : query.size();
  const unsigned records = unsigned{get16(reply, 6)} + get16(reply, 8) + get16(reply, 10);
  for (unsigned i = 0; i < records; ++i) {
    const auto end = skip_name(reply, at);
    if (!end || *end + 10 > reply.size()) {
      return failed(ProbeError::other,
                    fmt::format("malformed reply: record {} of {} is cut short or garbled", i + 1, records));
    }
    const std::size_t rdlength = get16(reply, *end + 8);
    at = *end + 10 + rdlength;
    if (at > reply.size()) {
      return failed(ProbeError::other,
                    fmt::format("malformed reply: record {} of {} runs past the message", i + 1, records));
    }
  }
  if (rcode != 0) {
    return failed(rcode_error(rcode), fmt::format("{} ({})", rcode_name(rcode), rcode));
  }
  DnsReply out;
  out.verdict = DnsReply::Verdict::answer;
  out.answers = get16(reply, 6);
  return out;
}

} // namespace smart
