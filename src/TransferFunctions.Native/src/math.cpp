// Elementwise math (dispatched by op code to keep the ABI small), matmul, reductions, sorting.
#include "common.h"

using tfn::dims;

namespace {
// .NET passes scalars as double; integral tensors need an integral Scalar or libtorch refuses to
// cast the result back (e.g. num_batches_tracked += 1).
at::Scalar scalar_for(const at::Tensor& t, double s) {
  if (!t.is_floating_point() && !t.is_complex() && s == static_cast<double>(static_cast<int64_t>(s)))
    return at::Scalar(static_cast<int64_t>(s));
  return at::Scalar(s);
}

// Keep these codes in sync with TransferFunctions.Torch.Native.UnaryOp / BinaryOp.
at::Tensor unary(const at::Tensor& t, int op) {
  switch (op) {
    case 0: return t.neg();
    case 1: return t.abs();
    case 2: return t.exp();
    case 3: return t.log();
    case 4: return t.sqrt();
    case 5: return t.rsqrt();
    case 6: return t.sin();
    case 7: return t.cos();
    case 8: return t.tanh();
    case 9: return t.sigmoid();
    case 10: return t.relu();
    case 11: return t.floor();
    case 12: return t.ceil();
    case 13: return t.round();
    case 14: return t.sign();
    case 15: return t.square();
    case 16: return t.reciprocal();
    case 17: return t.log1p();
    case 18: return t.expm1();
    case 19: return t.logical_not();
    case 20: return torch::gelu(t);
    case 21: return torch::silu(t);
    case 22: return t.isnan();
    case 23: return t.isfinite();
    case 24: return t.erf();
  }
  TORCH_CHECK(false, "unknown unary op code ", op);
}

at::Tensor binary(const at::Tensor& a, const at::Tensor& b, int op) {
  switch (op) {
    case 0: return a.add(b);
    case 1: return a.sub(b);
    case 2: return a.mul(b);
    case 3: return a.div(b);
    case 4: return a.pow(b);
    case 5: return torch::maximum(a, b);
    case 6: return torch::minimum(a, b);
    case 7: return a.eq(b);
    case 8: return a.ne(b);
    case 9: return a.lt(b);
    case 10: return a.le(b);
    case 11: return a.gt(b);
    case 12: return a.ge(b);
    case 13: return a.remainder(b);
    case 14: return a.logical_and(b);
    case 15: return a.logical_or(b);
    case 16: return a.floor_divide(b);
  }
  TORCH_CHECK(false, "unknown binary op code ", op);
}

at::Tensor binary_scalar(const at::Tensor& a, const at::Scalar& s, int op) {
  switch (op) {
    case 0: return a.add(s);
    case 1: return a.sub(s);
    case 2: return a.mul(s);
    case 3: return a.div(s);
    case 4: return a.pow(s);
    case 5: return a.clamp_min(s);
    case 6: return a.clamp_max(s);
    case 7: return a.eq(s);
    case 8: return a.ne(s);
    case 9: return a.lt(s);
    case 10: return a.le(s);
    case 11: return a.gt(s);
    case 12: return a.ge(s);
    case 13: return a.remainder(s);
    case 16: return a.floor_divide(s);
  }
  TORCH_CHECK(false, "binary op code ", op, " has no scalar form");
}

void binary_inplace(at::Tensor& a, const at::Tensor& b, int op) {
  switch (op) {
    case 0: a.add_(b); return;
    case 1: a.sub_(b); return;
    case 2: a.mul_(b); return;
    case 3: a.div_(b); return;
  }
  TORCH_CHECK(false, "binary op code ", op, " has no in-place form");
}

void binary_scalar_inplace(at::Tensor& a, const at::Scalar& s, int op) {
  switch (op) {
    case 0: a.add_(s); return;
    case 1: a.sub_(s); return;
    case 2: a.mul_(s); return;
    case 3: a.div_(s); return;
    case 5: a.clamp_min_(s); return;
    case 6: a.clamp_max_(s); return;
  }
  TORCH_CHECK(false, "binary op code ", op, " has no in-place scalar form");
}

// Reductions: 0 sum, 1 mean, 2 prod, 3 amax, 4 amin, 5 std, 6 var, 7 logsumexp, 8 all, 9 any, 10 norm2
at::Tensor reduce(const at::Tensor& t, int op, at::IntArrayRef d, bool keepdim, bool over_all) {
  switch (op) {
    case 0: return over_all ? t.sum() : t.sum(d, keepdim);
    case 1: return over_all ? t.mean() : t.mean(d, keepdim);
    case 2: TORCH_CHECK(over_all || d.size() == 1, "prod reduces over one dim or all"); return over_all ? t.prod() : t.prod(d[0], keepdim);
    case 3: return over_all ? t.max() : t.amax(d, keepdim);
    case 4: return over_all ? t.min() : t.amin(d, keepdim);
    case 5: return over_all ? t.std() : t.std(d, /*unbiased=*/true, keepdim);
    case 6: return over_all ? t.var() : t.var(d, /*unbiased=*/true, keepdim);
    case 7: return over_all ? t.flatten().logsumexp(0) : t.logsumexp(d, keepdim);
    case 8: return over_all ? t.all() : t.all(d[0], keepdim);
    case 9: return over_all ? t.any() : t.any(d[0], keepdim);
    case 10: return over_all ? t.norm() : at::norm(t, 2, d, keepdim);
  }
  TORCH_CHECK(false, "unknown reduction code ", op);
}
}  // namespace

TFN_EXPORT TfTensor tfn_tensor_unary(TfTensor t, int op) { TFN_TENSOR(unary(*t, op)) }
TFN_EXPORT TfTensor tfn_tensor_binary(TfTensor a, TfTensor b, int op) { TFN_TENSOR(binary(*a, *b, op)) }
TFN_EXPORT TfTensor tfn_tensor_binary_scalar(TfTensor a, double s, int op) { TFN_TENSOR(binary_scalar(*a, scalar_for(*a, s), op)) }
// An integral scalar keeps an integer tensor integral, as a Python int does in PyTorch.
TFN_EXPORT TfTensor tfn_tensor_rsub_scalar(TfTensor a, double s) { TFN_TENSOR(at::rsub(*a, scalar_for(*a, s))) }
TFN_EXPORT TfTensor tfn_tensor_rdiv_scalar(TfTensor a, double s) { TFN_TENSOR(a->reciprocal().mul(s)) }
TFN_EXPORT int tfn_tensor_binary_(TfTensor a, TfTensor b, int op) { TFN_STATUS({ binary_inplace(*a, *b, op); }) }
TFN_EXPORT int tfn_tensor_binary_scalar_(TfTensor a, double s, int op) { TFN_STATUS({ binary_scalar_inplace(*a, scalar_for(*a, s), op); }) }
TFN_EXPORT TfTensor tfn_tensor_add_scaled(TfTensor a, TfTensor b, double alpha) { TFN_TENSOR(a->add(*b, alpha)) }
TFN_EXPORT int tfn_tensor_add_scaled_(TfTensor a, TfTensor b, double alpha) { TFN_STATUS({ a->add_(*b, alpha); }) }
TFN_EXPORT TfTensor tfn_tensor_clamp(TfTensor t, double lo, double hi, int has_lo, int has_hi) {
  TFN_TENSOR(t->clamp(has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt, has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt))
}
TFN_EXPORT int tfn_tensor_fill_(TfTensor t, double value) { TFN_STATUS({ torch::NoGradGuard g; t->fill_(scalar_for(*t, value)); }) }
TFN_EXPORT int tfn_tensor_uniform_(TfTensor t, double lo, double hi) { TFN_STATUS({ torch::NoGradGuard g; t->uniform_(lo, hi); }) }
TFN_EXPORT int tfn_tensor_normal_(TfTensor t, double mean, double std) { TFN_STATUS({ torch::NoGradGuard g; t->normal_(mean, std); }) }

TFN_EXPORT TfTensor tfn_tensor_matmul(TfTensor a, TfTensor b) { TFN_TENSOR(a->matmul(*b)) }
TFN_EXPORT TfTensor tfn_tensor_lerp(TfTensor a, TfTensor b, double w) { TFN_TENSOR(a->lerp(*b, w)) }

TFN_EXPORT TfTensor tfn_tensor_reduce(TfTensor t, int op, const int64_t* d, int64_t nd, int keepdim) {
  TFN_TENSOR(reduce(*t, op, dims(d, nd), keepdim != 0, nd == 0))
}
TFN_EXPORT TfTensor tfn_tensor_argmax(TfTensor t, int64_t dim, int keepdim, int has_dim) {
  TFN_TENSOR(has_dim ? t->argmax(dim, keepdim != 0) : t->argmax())
}
TFN_EXPORT TfTensor tfn_tensor_argmin(TfTensor t, int64_t dim, int keepdim, int has_dim) {
  TFN_TENSOR(has_dim ? t->argmin(dim, keepdim != 0) : t->argmin())
}
TFN_EXPORT int tfn_tensor_max_dim(TfTensor t, int64_t dim, int keepdim, TfTensor* values, TfTensor* indices) {
  TFN_STATUS({
    auto r = t->max(dim, keepdim != 0);
    *values = tfn::wrap(std::get<0>(r));
    *indices = tfn::wrap(std::get<1>(r));
  })
}
TFN_EXPORT int tfn_tensor_topk(TfTensor t, int64_t k, int64_t dim, int largest, int sorted, TfTensor* values, TfTensor* indices) {
  TFN_STATUS({
    auto r = t->topk(k, dim, largest != 0, sorted != 0);
    *values = tfn::wrap(std::get<0>(r));
    *indices = tfn::wrap(std::get<1>(r));
  })
}
TFN_EXPORT int tfn_tensor_sort(TfTensor t, int64_t dim, int descending, TfTensor* values, TfTensor* indices) {
  TFN_STATUS({
    auto r = t->sort(dim, descending != 0);
    *values = tfn::wrap(std::get<0>(r));
    *indices = tfn::wrap(std::get<1>(r));
  })
}
TFN_EXPORT TfTensor tfn_tensor_cumsum(TfTensor t, int64_t dim) { TFN_TENSOR(t->cumsum(dim)) }
TFN_EXPORT int tfn_tensor_allclose(TfTensor a, TfTensor b, double rtol, double atol, int* out) {
  TFN_STATUS({ *out = a->allclose(*b, rtol, atol) ? 1 : 0; })
}
