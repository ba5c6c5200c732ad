using System.Net.Http.Headers;
using CredentialPortal.Infrastructure;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Instances;

/// <summary>
/// One portal instance (Program, its hosted services included) on a database it shares with other instances, with a key
/// folder of its own and the seeded Platform-scope token of <see cref="ApiHost.SeedToken"/>.
/// </summary>
public sealed class PortalInstance(string sharedFolder, string name) : WebApplicationFactory<Program>
{
    private HttpClient? client;

    /// <summary>A client with the seeded Platform-scope token.</summary>
    public HttpClient Client => client ??= CreateApiClient(ApiHost.SeedToken);

    public HttpClient CreateApiClient(string token)
    {
        var http = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Adds to the instance's services (a test's interceptor, say); set before it starts.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>
    /// Completes when this instance has applied a message from another instance that <paramref name="match"/> accepts.
    /// Call it before the change, await it after.
    /// </summary>
    public Task AppliedAsync(Func<string, bool> match)
    {
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invalidation = Service<CacheInvalidation>();
        void OnApplied(string payload)
        {
            if (match(payload))
            {
                invalidation.Applied -= OnApplied;
                applied.TrySetResult();
            }
        }
        invalidation.Applied += OnApplied;
        return applied.Task;
    }

    /// <summary>Completes when this instance's listening connection is established again (call it before the drop).</summary>
    public Task ConnectedAgainAsync()
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invalidation = Service<CacheInvalidation>();
        void OnConnected()
        {
            invalidation.Connected -= OnConnected;
            connected.TrySetResult();
        }
        invalidation.Connected += OnConnected;
        return connected.Task;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in TestProvider.SettingsFor(sharedFolder, Path.Combine(sharedFolder, "portal.db")))
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(sharedFolder, name, "keys"));
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
        builder.UseSetting("Seed:ApiToken", ApiHost.SeedToken);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (ConfigureServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        client?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>Two instances, A and B, on one database of their own (PostgreSQL: the engine several instances can share).</summary>
public sealed class PortalInstances : IAsyncDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "credportal-instances", Guid.NewGuid().ToString("N"));

    private PortalInstances()
    {
        TestProvider.EnsureDatabase(folder);
        A = new PortalInstance(folder, "a");
        B = new PortalInstance(folder, "b");
    }

    public PortalInstance A { get; }

    public PortalInstance B { get; }

    /// <summary>
    /// Starts A, then B (one after the other: the first migrates and seeds), each with <paramref name="configure"/>'s
    /// services added, and waits until both listen.
    /// </summary>
    public static async Task<PortalInstances> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var instances = new PortalInstances();
        instances.A.ConfigureServices = instances.B.ConfigureServices = configure;
        _ = instances.A.Client;
        _ = instances.B.Client;
        await instances.A.Service<CacheInvalidation>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await instances.B.Service<CacheInvalidation>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        return instances;
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestProvider.DeleteTestData(folder);
    }
}
