namespace TransferFunctions.Torch;

/// <summary>Element types; the values are libtorch's <c>c10::ScalarType</c> codes, as in TorchSharp.</summary>
public enum ScalarType
{
    UInt8 = 0,
    Int8 = 1,
    Int16 = 2,
    Int32 = 3,
    Int64 = 4,
    Float16 = 5,
    Float32 = 6,
    Float64 = 7,
    Bool = 11,
    BFloat16 = 15,
}
