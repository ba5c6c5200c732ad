using Bunit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Users;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// The one bUnit base: loose JS interop, MudBlazor services, the popover/dialog/snackbar providers rendered first
/// (popover and dialog content renders inside them), and the real credential service over a real SQLite file. The
/// signed-in user is an Administrator unless a test acts as another role (<see cref="ActAs"/>).
/// </summary>
public abstract class PortalComponentTest : BunitContext, IAsyncLifetime
{
    protected PortalTestDatabase Database { get; private set; } = default!;
    protected CredentialService Credentials => Database.Credentials;
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = default!;
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = default!;
    protected IRenderedComponent<MudSnackbarProvider> Snackbars { get; private set; } = default!;
    protected BunitAuthorizationContext Authorization { get; private set; } = default!;

    /// <summary>
    /// How long a wait for a page's state may take: pages load from a real database, and on the 2-core CI machine running
    /// test classes side by side (on PostgreSQL, too) a first load can take more than bUnit's default second. A wait
    /// that is met returns at once; only a test that would fail anyway waits this long.
    /// </summary>
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(15);

    public async Task InitializeAsync()
    {
        DefaultWaitTimeout = WaitTimeout;
        Database = await PortalTestDatabase.CreateAsync(ConfigureDatabase);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddSingleton(Database.Credentials);
        Services.AddSingleton(Database.Alerts);
        Services.AddSingleton(Database.Deliveries);
        Services.AddSingleton(Database.Services.GetRequiredService<HierarchyService>());
        Services.AddSingleton(Database.Services.GetRequiredService<CredentialPortal.Features.ApiTokens.ApiTokenService>());
        Authorization = AddAuthorization();
        ActAs(PortalRoles.Administrator);
        Popovers = Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
        Snackbars = Render<MudSnackbarProvider>();
    }

    /// <summary>Signs in as a user with <paramref name="role"/>: the policies it meets are those of its role and below.</summary>
    protected void ActAs(string role)
    {
        Authorization.SetAuthorized($"{role.ToLowerInvariant()}@portal.test");
        Authorization.SetRoles(role);
        Authorization.SetPolicies([.. PortalRoles.All.Where(policy => PortalRoles.Includes(role, policy))]);
    }

    /// <summary>Adds to the app's services before the database is built (a test's interceptor, say).</summary>
    protected virtual void ConfigureDatabase(IServiceCollection services)
    {
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }

    protected async Task<int> SeedAsync(CredentialInput input)
    {
        var result = await Credentials.CreateAsync(input);
        Assert.True(result.Succeeded);
        Database.Clock.Advance(TimeSpan.FromMinutes(5));
        return result.Id;
    }
}
