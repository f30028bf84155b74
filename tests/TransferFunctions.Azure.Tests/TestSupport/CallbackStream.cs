namespace TransferFunctions.Azure.Tests.TestSupport;

/// <summary>
/// Reads from an inner stream and runs a callback once the reader has consumed exactly <paramref name="triggerAt"/> bytes
/// (mid-upload events). Reads never cross that point before the callback ran; a callback that throws throws again on
/// every later read, so it also serves as an upload that breaks after a number of bytes.
/// </summary>
public sealed class CallbackStream(Stream inner, long triggerAt, Func<Task> callback) : Stream
{
    private long _position;
    private bool _fired;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_fired && _position >= triggerAt)
        {
            await callback();
            _fired = true;
        }

        var read = await inner.ReadAsync(_fired ? buffer : buffer[..(int)Math.Min(buffer.Length, triggerAt - _position)], cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
