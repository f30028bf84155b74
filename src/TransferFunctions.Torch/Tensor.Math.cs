using N = TransferFunctions.Torch.Interop.NativeMethods;

namespace TransferFunctions.Torch;

public partial class Tensor
{
    // Op codes shared with math.cpp.
    private enum Unary { Neg, Abs, Exp, Log, Sqrt, Rsqrt, Sin, Cos, Tanh, Sigmoid, Relu, Floor, Ceil, Round, Sign, Square, Reciprocal, Log1p, Expm1, LogicalNot, Gelu, Silu, IsNan, IsFinite, Erf }

    private enum Binary { Add, Sub, Mul, Div, Pow, Maximum, Minimum, Eq, Ne, Lt, Le, Gt, Ge, Remainder, LogicalAnd, LogicalOr, FloorDivide }

    private enum Reduction { Sum, Mean, Prod, Amax, Amin, Std, Var, LogSumExp, All, Any, Norm }

    private Tensor Apply(Unary op) => Wrap(N.tfn_tensor_unary(Ptr, (int)op), this);
    private Tensor Apply(Binary op, Tensor other) => Wrap(N.tfn_tensor_binary(Ptr, other.Ptr, (int)op), this, other);
    private Tensor Apply(Binary op, double scalar) => Wrap(N.tfn_tensor_binary_scalar(Ptr, scalar, (int)op), this);

    private Tensor ApplyInPlace(Binary op, Tensor other)
    {
        N.Check(N.tfn_tensor_binary_(Ptr, other.Ptr, (int)op));
        GC.KeepAlive(other);
        return this;
    }

    private Tensor ApplyInPlace(Binary op, double scalar)
    {
        N.Check(N.tfn_tensor_binary_scalar_(Ptr, scalar, (int)op));
        return this;
    }

    // ---- elementwise ----
    public Tensor Neg() => Apply(Unary.Neg);
    public Tensor Abs() => Apply(Unary.Abs);
    public Tensor Exp() => Apply(Unary.Exp);
    public Tensor Log() => Apply(Unary.Log);
    public Tensor Sqrt() => Apply(Unary.Sqrt);
    public Tensor Rsqrt() => Apply(Unary.Rsqrt);
    public Tensor Sin() => Apply(Unary.Sin);
    public Tensor Cos() => Apply(Unary.Cos);
    public Tensor Tanh() => Apply(Unary.Tanh);
    public Tensor Sigmoid() => Apply(Unary.Sigmoid);
    public Tensor Relu() => Apply(Unary.Relu);
    public Tensor Gelu() => Apply(Unary.Gelu);
    public Tensor Silu() => Apply(Unary.Silu);
    public Tensor Floor() => Apply(Unary.Floor);
    public Tensor Ceil() => Apply(Unary.Ceil);
    public Tensor Round() => Apply(Unary.Round);
    public Tensor Sign() => Apply(Unary.Sign);
    public Tensor Square() => Apply(Unary.Square);
    public Tensor Reciprocal() => Apply(Unary.Reciprocal);
    public Tensor Log1p() => Apply(Unary.Log1p);
    public Tensor Expm1() => Apply(Unary.Expm1);
    public Tensor Erf() => Apply(Unary.Erf);
    public Tensor LogicalNot() => Apply(Unary.LogicalNot);
    public Tensor IsNan() => Apply(Unary.IsNan);
    public Tensor IsFinite() => Apply(Unary.IsFinite);

    public Tensor Add(Tensor other) => Apply(Binary.Add, other);
    public Tensor Add(Tensor other, double alpha) => Wrap(N.tfn_tensor_add_scaled(Ptr, other.Ptr, alpha), this, other);
    public Tensor Add(double scalar) => Apply(Binary.Add, scalar);
    public Tensor Sub(Tensor other) => Apply(Binary.Sub, other);
    public Tensor Sub(double scalar) => Apply(Binary.Sub, scalar);
    public Tensor Mul(Tensor other) => Apply(Binary.Mul, other);
    public Tensor Mul(double scalar) => Apply(Binary.Mul, scalar);
    public Tensor Div(Tensor other) => Apply(Binary.Div, other);
    public Tensor Div(double scalar) => Apply(Binary.Div, scalar);
    public Tensor Pow(Tensor exponent) => Apply(Binary.Pow, exponent);
    public Tensor Pow(double exponent) => Apply(Binary.Pow, exponent);
    public Tensor Maximum(Tensor other) => Apply(Binary.Maximum, other);
    public Tensor Minimum(Tensor other) => Apply(Binary.Minimum, other);
    public Tensor ClampMin(double min) => Apply(Binary.Maximum, min);
    public Tensor ClampMax(double max) => Apply(Binary.Minimum, max);
    public Tensor Clamp(double? min, double? max) => Wrap(N.tfn_tensor_clamp(Ptr, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0), this);
    public Tensor Remainder(double divisor) => Apply(Binary.Remainder, divisor);
    public Tensor FloorDivide(double divisor) => Apply(Binary.FloorDivide, divisor);
    public Tensor Lerp(Tensor end, double weight) => Wrap(N.tfn_tensor_lerp(Ptr, end.Ptr, weight), this, end);
    public Tensor MatMul(Tensor other) => Wrap(N.tfn_tensor_matmul(Ptr, other.Ptr), this, other);

    // ---- comparisons (bool results) ----
    public Tensor Eq(Tensor other) => Apply(Binary.Eq, other);
    public Tensor Eq(double value) => Apply(Binary.Eq, value);
    public Tensor Ne(Tensor other) => Apply(Binary.Ne, other);
    public Tensor Ne(double value) => Apply(Binary.Ne, value);
    public Tensor Lt(Tensor other) => Apply(Binary.Lt, other);
    public Tensor Lt(double value) => Apply(Binary.Lt, value);
    public Tensor Le(Tensor other) => Apply(Binary.Le, other);
    public Tensor Le(double value) => Apply(Binary.Le, value);
    public Tensor Gt(Tensor other) => Apply(Binary.Gt, other);
    public Tensor Gt(double value) => Apply(Binary.Gt, value);
    public Tensor Ge(Tensor other) => Apply(Binary.Ge, other);
    public Tensor Ge(double value) => Apply(Binary.Ge, value);
    public Tensor LogicalAnd(Tensor other) => Apply(Binary.LogicalAnd, other);
    public Tensor LogicalOr(Tensor other) => Apply(Binary.LogicalOr, other);
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        N.Check(N.tfn_tensor_allclose(Ptr, other.Ptr, rtol, atol, out var result));
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        return result != 0;
    }

    // ---- in place (no autograd history on leaves that require grad: use under NoGrad) ----
    public Tensor AddInPlace(Tensor other) => ApplyInPlace(Binary.Add, other);
    public Tensor AddInPlace(Tensor other, double alpha)
    {
        N.Check(N.tfn_tensor_add_scaled_(Ptr, other.Ptr, alpha));
        GC.KeepAlive(other);
        return this;
    }
    public Tensor AddInPlace(double scalar) => ApplyInPlace(Binary.Add, scalar);
    public Tensor SubInPlace(Tensor other) => ApplyInPlace(Binary.Sub, other);
    public Tensor MulInPlace(Tensor other) => ApplyInPlace(Binary.Mul, other);
    public Tensor MulInPlace(double scalar) => ApplyInPlace(Binary.Mul, scalar);
    public Tensor DivInPlace(Tensor other) => ApplyInPlace(Binary.Div, other);
    public Tensor DivInPlace(double scalar) => ApplyInPlace(Binary.Div, scalar);
    public Tensor ClampInPlace(double min, double max) => ApplyInPlace(Binary.Maximum, min).ApplyInPlace(Binary.Minimum, max);

    public Tensor Fill(double value)
    {
        N.Check(N.tfn_tensor_fill_(Ptr, value));
        return this;
    }

    public Tensor Zero() => Fill(0);

    public Tensor UniformInPlace(double low, double high)
    {
        N.Check(N.tfn_tensor_uniform_(Ptr, low, high));
        return this;
    }

    public Tensor NormalInPlace(double mean, double std)
    {
        N.Check(N.tfn_tensor_normal_(Ptr, mean, std));
        return this;
    }

    // ---- reductions ----
    private unsafe Tensor Reduce(Reduction op, long[]? dims, bool keepDim)
    {
        var d = dims ?? Array.Empty<long>();
        fixed (long* p = d) return Wrap(N.tfn_tensor_reduce(Ptr, (int)op, p, d.Length, keepDim ? 1 : 0), this);
    }

    public Tensor Sum() => Reduce(Reduction.Sum, null, false);
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(Reduction.Sum, new[] { dim }, keepDim);
    public Tensor Sum(long[] dims, bool keepDim = false) => Reduce(Reduction.Sum, dims, keepDim);
    public Tensor Mean() => Reduce(Reduction.Mean, null, false);
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(Reduction.Mean, new[] { dim }, keepDim);
    public Tensor Mean(long[] dims, bool keepDim = false) => Reduce(Reduction.Mean, dims, keepDim);
    public Tensor Prod() => Reduce(Reduction.Prod, null, false);
    public Tensor Prod(long dim, bool keepDim = false) => Reduce(Reduction.Prod, new[] { dim }, keepDim);
    public Tensor Max() => Reduce(Reduction.Amax, null, false);
    public Tensor Amax(long dim, bool keepDim = false) => Reduce(Reduction.Amax, new[] { dim }, keepDim);
    public Tensor Min() => Reduce(Reduction.Amin, null, false);
    public Tensor Amin(long dim, bool keepDim = false) => Reduce(Reduction.Amin, new[] { dim }, keepDim);
    /// <summary>Unbiased (n−1) standard deviation, as PyTorch's default.</summary>
    public Tensor Std() => Reduce(Reduction.Std, null, false);
    public Tensor Std(long dim, bool keepDim = false) => Reduce(Reduction.Std, new[] { dim }, keepDim);
    public Tensor Var() => Reduce(Reduction.Var, null, false);
    public Tensor Var(long dim, bool keepDim = false) => Reduce(Reduction.Var, new[] { dim }, keepDim);
    public Tensor LogSumExp(long dim, bool keepDim = false) => Reduce(Reduction.LogSumExp, new[] { dim }, keepDim);
    public Tensor All() => Reduce(Reduction.All, null, false);
    public Tensor Any() => Reduce(Reduction.Any, null, false);
    public Tensor Norm() => Reduce(Reduction.Norm, null, false);
    public Tensor Norm(long dim, bool keepDim = false) => Reduce(Reduction.Norm, new[] { dim }, keepDim);

    public Tensor ArgMax() => Wrap(N.tfn_tensor_argmax(Ptr, 0, 0, 0), this);
    public Tensor ArgMax(long dim, bool keepDim = false) => Wrap(N.tfn_tensor_argmax(Ptr, dim, keepDim ? 1 : 0, 1), this);
    public Tensor ArgMin() => Wrap(N.tfn_tensor_argmin(Ptr, 0, 0, 0), this);
    public Tensor ArgMin(long dim, bool keepDim = false) => Wrap(N.tfn_tensor_argmin(Ptr, dim, keepDim ? 1 : 0, 1), this);
    public Tensor CumSum(long dim) => Wrap(N.tfn_tensor_cumsum(Ptr, dim), this);

    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false)
    {
        N.Check(N.tfn_tensor_max_dim(Ptr, dim, keepDim ? 1 : 0, out var v, out var i));
        GC.KeepAlive(this);
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        N.Check(N.tfn_tensor_topk(Ptr, k, dim, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i));
        GC.KeepAlive(this);
        return (new Tensor(v), new Tensor(i));
    }

    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false)
    {
        N.Check(N.tfn_tensor_sort(Ptr, dim, descending ? 1 : 0, out var v, out var i));
        GC.KeepAlive(this);
        return (new Tensor(v), new Tensor(i));
    }

    // ---- operators ----
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator +(Tensor a, double b) => a.Add(b);
    public static Tensor operator +(double a, Tensor b) => b.Add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator -(Tensor a, double b) => a.Sub(b);
    public static Tensor operator -(double a, Tensor b) => Wrap(N.tfn_tensor_rsub_scalar(b.Ptr, a), b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator *(Tensor a, double b) => a.Mul(b);
    public static Tensor operator *(double a, Tensor b) => b.Mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator /(Tensor a, double b) => a.Div(b);
    public static Tensor operator /(double a, Tensor b) => Wrap(N.tfn_tensor_rdiv_scalar(b.Ptr, a), b);
    public static Tensor operator -(Tensor a) => a.Neg();
}
