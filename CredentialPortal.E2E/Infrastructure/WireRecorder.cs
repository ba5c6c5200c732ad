using System.Text;

namespace CredentialPortal.E2E.Infrastructure;

/// <summary>
/// Records what the server sends a page: documents and fetches (prerendered HTML, enhanced navigation) and every
/// WebSocket frame of the Blazor circuit (render batches). Lets a test prove a value never reached the browser.
/// </summary>
public sealed class WireRecorder
{
    private readonly List<IResponse> responses = [];
    private readonly List<byte[]> frames = [];
    private readonly Lock gate = new();

    public WireRecorder(IPage page)
    {
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType is "document" or "fetch" or "xhr")
            {
                lock (gate)
                {
                    responses.Add(response);
                }
            }
        };
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            lock (gate)
            {
                frames.Add(frame.Binary ?? Encoding.UTF8.GetBytes(frame.Text ?? ""));
            }
        };
    }

    public int FrameCount
    {
        get
        {
            lock (gate)
            {
                return frames.Count;
            }
        }
    }

    /// <summary>Whether any recorded response body or frame holds the UTF-8 (or UTF-16) bytes of <paramref name="value"/>.</summary>
    public async Task<bool> SawAsync(string value)
    {
        IResponse[] bodies;
        byte[][] received;
        lock (gate)
        {
            bodies = [.. responses];
            received = [.. frames];
        }

        byte[][] needles = [Encoding.UTF8.GetBytes(value), Encoding.Unicode.GetBytes(value)];
        foreach (var response in bodies)
        {
            byte[] body;
            try
            {
                body = await response.BodyAsync();
            }
            catch (PlaywrightException)
            {
                continue; // redirects have no body
            }
            if (needles.Any(n => body.AsSpan().IndexOf(n) >= 0))
            {
                return true;
            }
        }
        return received.Any(frame => needles.Any(n => frame.AsSpan().IndexOf(n) >= 0));
    }
}
