using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// A bare HTTP/1.1 receiver on a loopback port whose requests the test holds: it knows the moment a request has arrived
/// (so it can stop or kill the sender then) and answers it when told, or never.
/// </summary>
internal sealed class HeldReceiver : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);

    public HeldReceiver() => listener.Start();

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hooks");

    /// <summary>The next request, read whole and not answered.</summary>
    public async Task<HeldRequest> NextAsync()
    {
        var socket = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var stream = new NetworkStream(socket, ownsSocket: true);
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOfBlankLine(received)) < 0)
        {
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            if (read == 0)
            {
                throw new IOException("The sender closed the connection before its request was complete.");
            }
            received.AddRange(buffer.AsSpan(0, read));
        }
        var head = Encoding.ASCII.GetString(received.ToArray(), 0, headerEnd);
        var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim())).FirstOrDefault();
        while (received.Count < headerEnd + 4 + length)
        {
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            if (read == 0)
            {
                break;
            }
            received.AddRange(buffer.AsSpan(0, read));
        }
        return new HeldRequest(stream, head);
    }

    private static int IndexOfBlankLine(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    public void Dispose() => listener.Stop();
}

internal sealed class HeldRequest(NetworkStream stream, string head) : IDisposable
{
    /// <summary>The request line and headers.</summary>
    public string Head { get; } = head;

    public async Task AnswerAsync(int status)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Answer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        await stream.FlushAsync();
    }

    public void Dispose() => stream.Dispose();
}
