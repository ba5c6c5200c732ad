using CredentialPortal.Data;
using CredentialPortal.E2E.Infrastructure;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.E2E.Deployment;

/// <summary>
/// The portal deployed as the README describes: published instances started at once on one fresh PostgreSQL database
/// (each migrates it at start-up), the key ring in that database, nginx in front with deploy/nginx/portal.conf, and a
/// loopback webhook receiver. Everything is torn down (database dropped) on dispose.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    public const string ApiToken = "cpt_deployment-test-token-0123456789abcdef";

    private readonly string databaseName;
    private readonly List<PortalInstance> instances = [];
    private ServiceProvider? operatorServices;

    private Deployment(string databaseName, string folder)
    {
        this.databaseName = databaseName;
        Folder = folder;
    }

    public string Folder { get; }

    public string ConnectionString { get; private set; } = "";

    public IReadOnlyList<PortalInstance> Instances => instances;

    public PortalInstance A => instances[0];

    public PortalInstance B => instances[1];

    public NginxProxy Nginx { get; private set; } = default!;

    public WebhookReceiver Receiver { get; private set; } = default!;

    /// <summary>
    /// Starts <paramref name="count"/> instances with the deployment settings plus <paramref name="settings"/> (e.g.
    /// Webhooks:LeaseSeconds), then nginx in front of them.
    /// </summary>
    public static async Task<Deployment> StartAsync(int count = 2, IReadOnlyDictionary<string, string>? settings = null, bool seedEveryInstance = false)
    {
        var id = Guid.NewGuid().ToString("N");
        var deployment = new Deployment("cpd_" + id, Path.Combine(Path.GetTempPath(), "credentialportal-deploy", id));
        Directory.CreateDirectory(deployment.Folder);
        try
        {
            deployment.Receiver = await WebhookReceiver.StartAsync();
            deployment.ConnectionString = await PostgresServer.CreateDatabaseAsync(deployment.databaseName);
            var names = Enumerable.Range(0, count).Select(i => ((char)('A' + i)).ToString()).ToList();
            var starting = names.Select(name => PortalInstance.StartAsync(name, deployment.SettingsFor(name, settings, seedEveryInstance), ApiToken)).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                deployment.instances.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }
            deployment.Nginx = await NginxProxy.StartAsync(Path.Combine(deployment.Folder, "nginx"), deployment.instances.Select(i => i.Address));
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    private Dictionary<string, string> SettingsFor(string name, IReadOnlyDictionary<string, string>? extra, bool seed)
    {
        var settings = new Dictionary<string, string>
        {
            [DatabaseProviders.ConfigurationKey] = "Postgres",
            ["ConnectionStrings:Portal"] = ConnectionString,
            // One key ring for all instances, in the database; each instance's file folder stays empty.
            ["DataProtection:Store"] = "Database",
            ["DataProtection:KeysPath"] = Path.Combine(Folder, name, "keys"),
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1",
            ["Webhooks:AllowPrivateNetworks"] = "true",
            ["Webhooks:RetrySchedule"] = "500ms,1s,2s,5s",
            ["Api:PermitsPerMinute"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        };
        if (name == "A" || seed)
        {
            // One instance seeds: the others find the token and the administrator in the database. (Instances started at
            // once with the same Seed:* settings race to create them.)
            settings["Seed:ApiToken"] = ApiToken;
            settings["Seed:AdminEmail"] = PortalApplication.AdminEmail;
            settings["Seed:AdminPassword"] = PortalApplication.AdminPassword;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>
    /// Alerts have no REST route: the test arranges one through the app's own service over the same database, as the
    /// portal's alert form would save it (no secret is written, so no key is involved).
    /// </summary>
    public async Task<int> CreateAlertAsync(string name, string credentialName, string url)
    {
        int credentialId;
        await using (var db = await OperatorServices.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            credentialId = await db.Credentials.Where(c => c.Name == credentialName).Select(c => c.Id).SingleAsync();
        }
        var saved = await OperatorServices.GetRequiredService<AlertService>().CreateAsync(new AlertInput
        {
            Name = name,
            Kind = AlertKind.RuntimeAlert,
            Metric = "http.latency_p95_ms",
            Threshold = 800,
            WebhookEnabled = true,
            WebhookUrl = url,
            CredentialId = credentialId,
        });
        Assert.Equal(SaveStatus.Saved, saved.Status);
        return saved.Id;
    }

    private ServiceProvider OperatorServices => operatorServices ??= new ServiceCollection()
        .AddLogging()
        .AddPortalDomain(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Webhooks:AllowPrivateNetworks"] = "true",
                ["Webhooks:WorkerEnabled"] = "false",
            }).Build(),
            new PortalDatabase(DatabaseProvider.Postgres, ConnectionString),
            Path.Combine(Folder, "operator-keys"))
        .BuildServiceProvider();

    /// <summary>What each instance wrote last, for a failure message.</summary>
    public string Logs => string.Join("\n", instances.Select(i => $"--- instance {i.Name}{(i.HasExited ? " (exited)" : "")}:\n{i.Log}"));

    public async ValueTask DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
        }
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }
        if (operatorServices is not null)
        {
            await operatorServices.DisposeAsync();
        }
        if (ConnectionString.Length > 0)
        {
            await PostgresServer.DropDatabaseAsync(databaseName);
        }
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}
