using CredentialPortal.Features.Alerts;
using CredentialPortal.E2E.Pages;
using CredentialPortal.Features.Credentials;
using Microsoft.AspNetCore.Hosting;

namespace CredentialPortal.E2E.Infrastructure;

/// <summary>
/// Base of every E2E test: its own portal (fresh database and key ring) and a fresh browser context on the shared
/// Chromium. Set E2E_TRACES=/some/folder to keep a Playwright trace of each test.
/// </summary>
[Collection(PortalCollection.Name)]
public abstract class PortalTest(BrowserFixture browser) : IAsyncLifetime
{
    private readonly List<IBrowserContext> contexts = [];

    static PortalTest()
    {
        // A 2-core machine building a circuit can be slow; assertions still wait only as long as they must.
        SetDefaultExpectTimeout(15_000);
    }

    protected PortalApplication App { get; private set; } = default!;

    protected IPage Page { get; private set; } = default!;

    /// <summary>Whether the portal starts with the administrator from Seed:* (false: an empty user table).</summary>
    protected virtual bool SeedAdministrator => true;

    /// <summary>Settings or logging of this test's portal, applied after the defaults.</summary>
    protected virtual void ConfigurePortal(IWebHostBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        App = PortalApplication.Start(SeedAdministrator, configure: ConfigurePortal);
        Page = await NewPageAsync();
    }

    /// <summary>A page in a new browser context: a second person with their own cookies.</summary>
    protected async Task<IPage> NewPageAsync()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseUrl,
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        contexts.Add(context);
        if (TracesFolder is not null)
        {
            await context.Tracing.StartAsync(new TracingStartOptions { Screenshots = true, Snapshots = true });
        }
        return await context.NewPageAsync();
    }

    private static string? TracesFolder => Environment.GetEnvironmentVariable("E2E_TRACES");

    /// <summary>Logs in as the seeded administrator and opens Integrations › Webhook Credentials.</summary>
    protected async Task<CredentialsListPage> LogInAndOpenCredentialsAsync(IPage? page = null)
    {
        page ??= Page;
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);
        var shell = new AppShell(page);
        await shell.ExpectLoggedInAsync(PortalApplication.AdminEmail);
        return await shell.OpenWebhookCredentialsAsync();
    }

    /// <summary>Arranges a credential through the app's own service (what the form would save).</summary>
    protected async Task<int> CreateCredentialAsync(
        string name,
        CredentialType type = CredentialType.ClientId,
        string fieldName = "clientid",
        string clientId = "client-value-1234",
        string? secret = null)
    {
        var result = await App.Credentials.CreateAsync(new CredentialInput
        {
            Name = name,
            Type = type,
            FieldName = fieldName,
            Location = CredentialLocation.Header,
            ClientId = clientId,
            Secret = type == CredentialType.ClientIdAndSecret ? secret ?? "s3cret-value-9876" : null,
        });
        Assert.Equal(SaveStatus.Saved, result.Status);
        return result.Id;
    }

    public async Task DisposeAsync()
    {
        foreach (var context in contexts)
        {
            if (TracesFolder is not null)
            {
                Directory.CreateDirectory(TracesFolder);
                var file = $"{GetType().Name}-{DateTime.UtcNow:HHmmssfff}-{contexts.IndexOf(context)}.zip";
                await context.Tracing.StopAsync(new TracingStopOptions { Path = Path.Combine(TracesFolder, file) });
            }
            await context.CloseAsync();
        }
        await App.DisposeAsync();
    }

    /// <summary>A Runtime Alert whose webhook uses the named credential, arranged through the app's own service.</summary>
    protected async Task CreateAlertAsync(string name, string url, string credentialName)
    {
        var credential = (await App.Credentials.ListAsync(new CredentialListQuery(Search: credentialName))).Items
            .Single(c => c.Name == credentialName);
        var saved = await App.Alerts.CreateAsync(new AlertInput
        {
            Name = name,
            Kind = AlertKind.RuntimeAlert,
            Metric = "http.latency_p95_ms",
            Threshold = 800,
            WebhookEnabled = true,
            WebhookUrl = url,
            CredentialId = credential.Id,
        });
        Assert.Equal(SaveStatus.Saved, saved.Status);
    }

    protected static async Task<AlertOverviewPage> OpenAlertAsync(AppShell shell, string name)
    {
        var alerts = await shell.OpenRuntimeAlertsAsync();
        return await alerts.OpenAsync(name);
    }
}
