#include <smart/util/random.hpp>
#include <smart/util/sha256.hpp>

#include <catch2/catch.hpp>

#include <string>

using smart::util::sha256_hex;

TEST_CASE("sha256 matches the NIST FIPS 180-4 examples")
{
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrl"
                   "mnopqrsmnopqrst"
                   "nopqrstu") == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 pads correctly around the block boundaries")
{
  // Lengths where the padding needs one block or spills into a second.
  CHECK(sha256_hex(std::string(55, 'a')) ==
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) ==
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(63, 'a')) ==
        "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  CHECK(sha256_hex(std::string(64, 'a')) ==
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  CHECK(sha256_hex(std::string(65, 'a')) ==
        "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
  CHECK(sha256_hex(std::string(119, 'a')) ==
        "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
  CHECK(sha256_hex(std::string(120, 'a')) ==
        "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c");
}

TEST_CASE("sha256 gives the same digest however the input is split")
{
  const std::string text(200, 'a');
  for (std::size_t split : {1u, 3u, 63u, 64u, 65u, 128u, 199u}) {
    smart::util::Sha256 hash;
    for (std::size_t i = 0; i < text.size(); i += split) {
      hash.update(std::string_view(text).substr(i, split));
    }
    const auto digest = hash.finish();
    const auto hex =
      smart::util::to_hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
    CHECK(hex == sha256_hex(text));
  }
}

TEST_CASE(
  "random_bytes returns distinct secrets and random_unit stays within 0 (inclusive) and 1 (exclusive)")
{
  const auto a = smart::util::random_bytes(32);
  const auto b = smart::util::random_bytes(32);
  CHECK(a.size() == 32);
  CHECK(a != b);
  for (int i = 0; i < 1000; ++i) {
    const double x = smart::util::random_unit();
    REQUIRE(x >= 0.0);
    REQUIRE(x < 1.0);
  }
}
