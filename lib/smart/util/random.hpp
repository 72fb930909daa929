#pragma once

#include <cstdint>
#include <string>

// Randomness from the kernel (getrandom(2)). Generic.

namespace smart::util {

// count bytes fit for secrets (claim tokens). Throws util::Failure when the
// kernel cannot provide them.
std::string random_bytes(std::size_t count);

// A uniformly distributed number in [0, 1), for jitter.
double random_unit();

} // namespace smart::util
