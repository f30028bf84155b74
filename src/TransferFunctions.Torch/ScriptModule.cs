using System.Text;
using TransferFunctions.Torch.Interop;
using TransferFunctions.Torch.NN;
using N = TransferFunctions.Torch.Interop.NativeMethods;

namespace TransferFunctions.Torch;

/// <summary>
/// A TorchScript module exported from PyTorch (<c>torch.jit.script</c>/<c>trace</c> + <c>save</c>):
/// run forward, read and train its parameters from .NET, switch train/eval, save.
/// </summary>
public sealed class ScriptModule : IDisposable
{
    private IntPtr _module;

    private ScriptModule(IntPtr module) => _module = module;

    public static ScriptModule Load(string path, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"TorchScript file not found: {path}", path);
        var d = device ?? Device.CPU;
        return new ScriptModule(N.Check(N.tfn_jit_load(path, (int)d.Type, d.Index)));
    }

    private IntPtr Handle => _module != IntPtr.Zero ? _module : throw new ObjectDisposedException(nameof(ScriptModule));

    // This class has a finalizer: without this, `ScriptModule.Load(p).Forward(x)` could free the
    // module on the finalizer thread while the native call is still running.
    private T KeepAlive<T>(T result)
    {
        GC.KeepAlive(this);
        return result;
    }

    public unsafe Tensor Forward(params Tensor[] inputs)
    {
        var h = inputs.Select(t => t.Ptr).ToArray();
        IntPtr r;
        fixed (IntPtr* p = h) r = N.tfn_jit_forward(Handle, p, h.Length);
        GC.KeepAlive(inputs);
        GC.KeepAlive(this);
        return new Tensor(N.Check(r));
    }

    public bool Training => KeepAlive(N.tfn_jit_is_training(Handle)) != 0;

    public ScriptModule Train(bool on = true)
    {
        N.Check(KeepAlive(N.tfn_jit_train(Handle, on ? 1 : 0)));
        return this;
    }

    public ScriptModule Eval() => Train(false);

    public void To(Device device) => N.Check(KeepAlive(N.tfn_jit_to(Handle, (int)device.Type, device.Index)));

    public void Save(string path) => N.Check(KeepAlive(N.tfn_jit_save(Handle, path)));

    /// <summary>The module's parameters; they share storage with it, so an optimizer over them trains the module.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() =>
        Named(0, h => new Parameter(h));

    public IReadOnlyList<(string Name, Tensor Buffer)> NamedBuffers() => Named(1, h => new Tensor(h, track: false));

    private unsafe List<(string Name, T Tensor)> Named<T>(int kind, Func<IntPtr, T> wrap)
    {
        var count = N.tfn_jit_tensor_count(Handle, kind, out var namesBytes);
        var handles = new IntPtr[count];
        var names = new byte[Math.Max(1, namesBytes)];
        fixed (IntPtr* h = handles)
        fixed (byte* n = names)
            N.Check(KeepAlive(N.tfn_jit_tensors(Handle, kind, h, n, namesBytes)));
        var result = new List<(string, T)>((int)count);
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            var end = Array.IndexOf(names, (byte)0, start);
            result.Add((Encoding.UTF8.GetString(names, start, end - start), wrap(handles[i])));
            start = end + 1;
        }
        return result;
    }

    public void Dispose()
    {
        if (_module == IntPtr.Zero) return;
        N.tfn_jit_free(_module);
        _module = IntPtr.Zero;
        GC.SuppressFinalize(this);
    }

    ~ScriptModule()
    {
        if (_module != IntPtr.Zero) N.tfn_jit_free(_module);
    }
}
