#include "common.h"

namespace {
thread_local std::string last_error;
}

namespace tfn {
void set_error(const char* message) { last_error = message ? message : "unknown native error"; }
void clear_error() { last_error.clear(); }

at::ScalarType scalar_type(int code) { return static_cast<at::ScalarType>(code); }
int scalar_type_code(at::ScalarType type) { return static_cast<int>(type); }
at::Device device(int type, int index) {
  return at::Device(static_cast<c10::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}
}  // namespace tfn

// The message of the last failed call on this thread, or null when there is none.
TFN_EXPORT const char* tfn_last_error() { return last_error.empty() ? nullptr : last_error.c_str(); }
TFN_EXPORT void tfn_clear_error() { last_error.clear(); }
