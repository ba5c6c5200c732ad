using System.Net.Http.Headers;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// The whole app for REST API tests: Program on a fresh SQLite file and key ring in a temp folder, webhooks allowed to
/// loopback receivers, and a Platform-scope token from Seed:ApiToken on <see cref="Client"/>. <paramref name="settings"/>
/// add or override configuration keys (e.g. Api:PermitsPerMinute); <paramref name="clock"/>, when given, is the app's
/// TimeProvider.
/// </summary>
public sealed class ApiHost(IReadOnlyDictionary<string, string?>? settings = null, FakeTimeProvider? clock = null)
    : WebApplicationFactory<Program>
{
    /// <summary>The value of Seed:ApiToken: a Platform-scope token.</summary>
    public const string SeedToken = "cpt_seeded-test-token-for-the-api-0123456789";

    private HttpClient? client;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "credportal-api", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Folder, "portal.db");

    /// <summary>A client that sends the seeded Platform-scope token.</summary>
    public HttpClient Client => client ??= CreateApiClient(SeedToken);

    /// <summary>A client that sends this token (none: no Authorization header).</summary>
    public HttpClient CreateApiClient(string? token)
    {
        var http = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Makes a token as the API Tokens page does (an Administrator's, unless <paramref name="role"/> says) and returns its value.</summary>
    public async Task<string> CreateTokenAsync(Guid? scopeEntityId = null, DateTime? expiresUtc = null, string name = "Test token",
        string? role = null)
    {
        var created = await Service<ApiTokenService>().CreateAsync(
            new ApiTokenInput(name, scopeEntityId ?? HierarchyDefaults.PlatformId, expiresUtc, role), "tests");
        Assert.True(created.Result.Succeeded, string.Join(" ", created.Result.Errors?.SelectMany(e => e.Value) ?? []));
        return created.Token!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        TestProvider.EnsureDatabase(Folder);
        foreach (var (key, value) in TestProvider.SettingsFor(Folder, DatabasePath))
        {
            builder.UseSetting(key, value);
        }
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(Folder, "keys"));
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
        builder.UseSetting("Seed:ApiToken", SeedToken);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        }
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public override async ValueTask DisposeAsync()
    {
        client?.Dispose();
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestProvider.DeleteTestData(Folder);
    }
}
