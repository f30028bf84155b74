// Tensor lifecycle, metadata, creation, copies, views and indexing.
#include <cstring>
#include "common.h"

using tfn::dims;

TFN_EXPORT void tfn_tensor_free(TfTensor t) { delete t; }

TFN_EXPORT int64_t tfn_tensor_dim(TfTensor t) { return t->dim(); }
TFN_EXPORT int64_t tfn_tensor_numel(TfTensor t) { return t->numel(); }
TFN_EXPORT void tfn_tensor_shape(TfTensor t, int64_t* out) {
  auto s = t->sizes();
  std::copy(s.begin(), s.end(), out);
}
TFN_EXPORT void tfn_tensor_strides(TfTensor t, int64_t* out) {
  auto s = t->strides();
  std::copy(s.begin(), s.end(), out);
}
TFN_EXPORT int tfn_tensor_dtype(TfTensor t) { return tfn::scalar_type_code(t->scalar_type()); }
TFN_EXPORT int tfn_tensor_device_type(TfTensor t) { return static_cast<int>(t->device().type()); }
TFN_EXPORT int tfn_tensor_device_index(TfTensor t) { return t->device().index(); }
TFN_EXPORT int64_t tfn_tensor_nbytes(TfTensor t) { return t->numel() * static_cast<int64_t>(t->element_size()); }
TFN_EXPORT int tfn_tensor_is_contiguous(TfTensor t) { return t->is_contiguous() ? 1 : 0; }
TFN_EXPORT int tfn_tensor_requires_grad(TfTensor t) { return t->requires_grad() ? 1 : 0; }
TFN_EXPORT int tfn_tensor_is_leaf(TfTensor t) { return t->is_leaf() ? 1 : 0; }

// ---- creation ----
static at::TensorOptions opts(int dtype, int device_type, int device_index, int requires_grad) {
  return at::TensorOptions()
      .dtype(tfn::scalar_type(dtype))
      .device(tfn::device(device_type, device_index))
      .requires_grad(requires_grad != 0);
}

TFN_EXPORT TfTensor tfn_tensor_empty(const int64_t* shape, int64_t ndim, int dtype, int dev, int idx, int rg) {
  TFN_TENSOR(torch::empty(dims(shape, ndim), opts(dtype, dev, idx, rg)))
}
TFN_EXPORT TfTensor tfn_tensor_zeros(const int64_t* shape, int64_t ndim, int dtype, int dev, int idx, int rg) {
  TFN_TENSOR(torch::zeros(dims(shape, ndim), opts(dtype, dev, idx, rg)))
}
TFN_EXPORT TfTensor tfn_tensor_ones(const int64_t* shape, int64_t ndim, int dtype, int dev, int idx, int rg) {
  TFN_TENSOR(torch::ones(dims(shape, ndim), opts(dtype, dev, idx, rg)))
}
TFN_EXPORT TfTensor tfn_tensor_full(const int64_t* shape, int64_t ndim, double value, int dtype, int dev, int idx, int rg) {
  TFN_TENSOR(torch::full(dims(shape, ndim), value, opts(dtype, dev, idx, rg)))
}
TFN_EXPORT TfTensor tfn_tensor_arange(double start, double end, double step, int dtype, int dev, int idx) {
  TFN_TENSOR(torch::arange(start, end, step, opts(dtype, dev, idx, 0)))
}
TFN_EXPORT TfTensor tfn_tensor_eye(int64_t n, int dtype, int dev, int idx) {
  TFN_TENSOR(torch::eye(n, opts(dtype, dev, idx, 0)))
}
TFN_EXPORT TfTensor tfn_tensor_rand(const int64_t* shape, int64_t ndim, int dtype, int dev, int idx, int rg) {
  TFN_TENSOR(torch::rand(dims(shape, ndim), opts(dtype, dev, idx, rg)))
}
TFN_EXPORT TfTensor tfn_tensor_randn(const int64_t* shape, int64_t ndim, int dtype, int dev, int idx, int rg) {
  TFN_TENSOR(torch::randn(dims(shape, ndim), opts(dtype, dev, idx, rg)))
}
TFN_EXPORT TfTensor tfn_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int64_t ndim, int dtype, int dev, int idx) {
  TFN_TENSOR(torch::randint(low, high, dims(shape, ndim), opts(dtype, dev, idx, 0)))
}
TFN_EXPORT TfTensor tfn_tensor_randperm(int64_t n, int dtype, int dev, int idx) {
  TFN_TENSOR(torch::randperm(n, opts(dtype, dev, idx, 0)))
}
TFN_EXPORT TfTensor tfn_tensor_bernoulli(TfTensor p) { TFN_TENSOR(torch::bernoulli(*p)) }
TFN_EXPORT void tfn_manual_seed(uint64_t seed) { torch::manual_seed(seed); }

// Copies `nbytes` from managed memory into a new CPU tensor (then moves it to the device).
TFN_EXPORT TfTensor tfn_tensor_from_data(const void* data, const int64_t* shape, int64_t ndim, int dtype, int dev, int idx, int rg) {
  TFN_GUARD(nullptr, {
    auto t = torch::empty(dims(shape, ndim), at::TensorOptions().dtype(tfn::scalar_type(dtype)));
    std::memcpy(t.data_ptr(), data, static_cast<size_t>(t.numel()) * t.element_size());
    auto device = tfn::device(dev, idx);
    if (!device.is_cpu()) t = t.to(device);
    if (rg) t.set_requires_grad(true);
    return tfn::wrap(t);
  })
}

// Copies the tensor's values (row-major, dense) into managed memory of `nbytes`.
TFN_EXPORT int tfn_tensor_copy_to(TfTensor t, void* dst, int64_t nbytes) {
  TFN_STATUS({
    auto src = t->detach().to(at::kCPU).contiguous();
    int64_t need = src.numel() * static_cast<int64_t>(src.element_size());
    TORCH_CHECK(need == nbytes, "destination holds ", nbytes, " bytes but the tensor has ", need);
    std::memcpy(dst, src.data_ptr(), static_cast<size_t>(need));
  })
}

TFN_EXPORT int tfn_tensor_item(TfTensor t, double* out) { TFN_STATUS({ *out = t->item<double>(); }) }
TFN_EXPORT int tfn_tensor_item_long(TfTensor t, int64_t* out) { TFN_STATUS({ *out = t->item<int64_t>(); }) }

TFN_EXPORT TfTensor tfn_tensor_to(TfTensor t, int dtype, int dev, int idx, int copy) {
  TFN_TENSOR(t->to(tfn::device(dev, idx), tfn::scalar_type(dtype), /*non_blocking=*/false, copy != 0))
}
TFN_EXPORT TfTensor tfn_tensor_clone(TfTensor t) { TFN_TENSOR(t->clone()) }
TFN_EXPORT TfTensor tfn_tensor_detach(TfTensor t) { TFN_TENSOR(t->detach()) }
TFN_EXPORT TfTensor tfn_tensor_alias(TfTensor t) { TFN_TENSOR(*t) }
TFN_EXPORT int tfn_tensor_copy_(TfTensor dst, TfTensor src) { TFN_STATUS({ torch::NoGradGuard g; dst->copy_(*src); }) }

// ---- views and shape ----
TFN_EXPORT TfTensor tfn_tensor_view(TfTensor t, const int64_t* shape, int64_t ndim) { TFN_TENSOR(t->view(dims(shape, ndim))) }
TFN_EXPORT TfTensor tfn_tensor_reshape(TfTensor t, const int64_t* shape, int64_t ndim) { TFN_TENSOR(t->reshape(dims(shape, ndim))) }
TFN_EXPORT TfTensor tfn_tensor_expand(TfTensor t, const int64_t* shape, int64_t ndim) { TFN_TENSOR(t->expand(dims(shape, ndim))) }
TFN_EXPORT TfTensor tfn_tensor_permute(TfTensor t, const int64_t* order, int64_t ndim) { TFN_TENSOR(t->permute(dims(order, ndim))) }
TFN_EXPORT TfTensor tfn_tensor_transpose(TfTensor t, int64_t d0, int64_t d1) { TFN_TENSOR(t->transpose(d0, d1)) }
TFN_EXPORT TfTensor tfn_tensor_contiguous(TfTensor t) { TFN_TENSOR(t->contiguous()) }
TFN_EXPORT TfTensor tfn_tensor_squeeze(TfTensor t, int64_t dim, int all) { TFN_TENSOR(all ? t->squeeze() : t->squeeze(dim)) }
TFN_EXPORT TfTensor tfn_tensor_unsqueeze(TfTensor t, int64_t dim) { TFN_TENSOR(t->unsqueeze(dim)) }
TFN_EXPORT TfTensor tfn_tensor_flatten(TfTensor t, int64_t start, int64_t end) { TFN_TENSOR(t->flatten(start, end)) }
TFN_EXPORT TfTensor tfn_tensor_slice(TfTensor t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  TFN_TENSOR(t->slice(dim, start, end, step))
}
TFN_EXPORT TfTensor tfn_tensor_select(TfTensor t, int64_t dim, int64_t index) { TFN_TENSOR(t->select(dim, index)) }
TFN_EXPORT TfTensor tfn_tensor_cat(TfTensor* ts, int64_t n, int64_t dim) { TFN_TENSOR(torch::cat(tfn::unwrap_list(ts, n), dim)) }
TFN_EXPORT TfTensor tfn_tensor_stack(TfTensor* ts, int64_t n, int64_t dim) { TFN_TENSOR(torch::stack(tfn::unwrap_list(ts, n), dim)) }
TFN_EXPORT TfTensor tfn_tensor_index_select(TfTensor t, int64_t dim, TfTensor index) { TFN_TENSOR(t->index_select(dim, *index)) }
TFN_EXPORT TfTensor tfn_tensor_gather(TfTensor t, int64_t dim, TfTensor index) { TFN_TENSOR(t->gather(dim, *index)) }
TFN_EXPORT TfTensor tfn_tensor_masked_select(TfTensor t, TfTensor mask) { TFN_TENSOR(t->masked_select(*mask)) }
TFN_EXPORT TfTensor tfn_tensor_masked_fill(TfTensor t, TfTensor mask, double value) { TFN_TENSOR(t->masked_fill(*mask, value)) }
// Boolean-mask or integer-index rows along dim 0, as `t[index]` in PyTorch.
TFN_EXPORT TfTensor tfn_tensor_index(TfTensor t, TfTensor index) {
  TFN_TENSOR(t->index({*index}))
}
TFN_EXPORT TfTensor tfn_tensor_where(TfTensor cond, TfTensor a, TfTensor b) { TFN_TENSOR(torch::where(*cond, *a, *b)) }
TFN_EXPORT TfTensor tfn_tensor_one_hot(TfTensor t, int64_t classes) { TFN_TENSOR(torch::one_hot(*t, classes)) }
TFN_EXPORT TfTensor tfn_tensor_chunk_at(TfTensor t, int64_t chunks, int64_t dim, int64_t which) {
  TFN_TENSOR(t->chunk(chunks, dim).at(static_cast<size_t>(which)))
}
TFN_EXPORT TfTensor tfn_tensor_flip(TfTensor t, const int64_t* d, int64_t nd) { TFN_TENSOR(t->flip(dims(d, nd))) }
TFN_EXPORT TfTensor tfn_tensor_roll(TfTensor t, const int64_t* shifts, const int64_t* d, int64_t nd) {
  TFN_TENSOR(t->roll(dims(shifts, nd), dims(d, nd)))
}
TFN_EXPORT TfTensor tfn_tensor_pad(TfTensor t, const int64_t* pads, int64_t n, double value) {
  TFN_TENSOR(torch::constant_pad_nd(*t, dims(pads, n), value))
}
