// Process-wide settings: threads, devices, versions.
#include "common.h"

TFN_EXPORT int tfn_get_num_threads() { return at::get_num_threads(); }
TFN_EXPORT int tfn_set_num_threads(int n) { TFN_STATUS({ at::set_num_threads(n); }) }
TFN_EXPORT int tfn_cuda_is_available() { return torch::cuda::is_available() ? 1 : 0; }
TFN_EXPORT int tfn_cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }
TFN_EXPORT int tfn_cuda_synchronize() { TFN_STATUS({ if (torch::cuda::is_available()) torch::cuda::synchronize(); }) }
TFN_EXPORT const char* tfn_torch_version() { return TORCH_VERSION; }
