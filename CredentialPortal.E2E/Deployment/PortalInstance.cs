using System.Net.Http.Headers;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.E2E.Deployment;

/// <summary>
/// One published portal instance (a <see cref="PortalProcess"/> from the publish folder), named for failure messages,
/// with a REST client that carries the seeded API token.
/// </summary>
public sealed class PortalInstance : IAsyncDisposable
{
    /// <summary>Generous: a loaded 2-core CI machine starts the instances, nginx and the tests at once.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly PortalProcess process;

    private PortalInstance(string name, PortalProcess process, string apiToken)
    {
        Name = name;
        this.process = process;
        Api = new HttpClient { BaseAddress = process.Address, Timeout = Patience };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiToken);
    }

    public string Name { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Address => process.Address;

    /// <summary>The REST API of this instance alone, authenticated with the seeded token.</summary>
    public HttpClient Api { get; }

    public bool HasExited => process.HasExited;

    /// <summary>The last lines the instance wrote (for failure messages).</summary>
    public string Log => process.Log;

    public static async Task<PortalInstance> StartAsync(string name, IReadOnlyDictionary<string, string> settings, string apiToken)
    {
        try
        {
            return new PortalInstance(name, await PortalProcess.StartAsync(await PublishedPortal.FolderAsync(), settings, Patience), apiToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"Instance {name}: {ex.Message}", ex);
        }
    }

    /// <summary>kill -9: no shutdown, nothing flushed, no lease released.</summary>
    public void Kill() => process.Kill();

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await process.DisposeAsync();
    }
}
