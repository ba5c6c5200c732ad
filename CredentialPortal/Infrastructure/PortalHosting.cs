using CredentialPortal.Components;
using CredentialPortal.Components.Account;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Api;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Home;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using MudBlazor.Services;

namespace CredentialPortal.Infrastructure;

public static class PortalHosting
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        AddRepositorySettings(builder);
        builder.Logging.CapSensitiveCategories();
        var services = builder.Services;
        var storage = PortalStorage.Resolve(builder.Configuration, builder.Environment.ContentRootPath);
        storage.CreateOwnerOnly();
        services.AddSingleton(storage);

        services.AddRazorComponents().AddInteractiveServerComponents();
        // Bottom right: results must not cover the page's own buttons, which sit top right.
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);

        services.AddPortalDomain(builder.Configuration, storage.Database, storage.KeysPath);
        services.AddHealthChecks()
            .AddDbContextCheck<PortalDbContext>("database")
            .AddCheck<KeyRingHealthCheck>("key-ring");

        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, ActorCircuitHandler>();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie => cookie.Events.OnValidatePrincipal = SessionValidation.ValidatePrincipalAsync);
        services.AddAuthorization(PortalPolicies.Add);
        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                options.Password.RequiredLength = 8;
            })
            .AddRoles<IdentityRole>() // before the stores: the role store is registered with them; sign-in adds role claims
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.Configure<SeedOptions>(builder.Configuration.GetSection("Seed"));
        services.AddScoped<FirstAdministrator>();
        services.AddSingleton<SetupCode>();
        services.AddLoginRateLimiting(builder.Configuration);
        services.AddSingleton<LoginAttempts>();
        services.AddScoped<PasswordLogin>();
        services.AddSingleton<UserSessions>();
        services.AddSingleton<UsersService>();
        services.Configure<OriginOptions>(builder.Configuration);
        services.AddTrustedProxies(builder.Configuration);
        services.AddPortalApi(builder.Configuration);
        services.AddCredentialJwks(builder.Configuration);
        services.AddPortalOpenApi();
        return builder;
    }

    /// <summary>
    /// The database, encryption and feature services without the web host: what the app, the tests and the bench
    /// all compose. A TimeProvider registered before this call is kept (tests move the clock).
    /// </summary>
    public static IServiceCollection AddPortalDomain(this IServiceCollection services, IConfiguration configuration,
        PortalDatabase database, string keysPath, Action<DbContextOptionsBuilder>? configureDatabase = null)
    {
        services.AddSingleton(database);
        // One factory serves the feature services (a context per operation) and Identity (scoped context). It makes
        // the provider's own context type, which carries that provider's migrations.
        services.AddDbContextFactory<PortalDbContext, PortalDbContextFactory>(options =>
        {
            if (database.IsPostgres)
            {
                options.UseNpgsql(database.ConnectionString);
            }
            else
            {
                options.UseSqlite(database.ConnectionString).AddInterceptors(new SqliteConnectionPragmas());
            }
            options.AddInterceptors(AuditAppendOnly.Instance);
            configureDatabase?.Invoke(options);
        });
        services.AddPortalDataProtection(configuration, database, keysPath);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ActorAccessor>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<LoginAudit>();
        services.AddSingleton<CredentialService>();
        services.AddSingleton<ICredentialReferences, AlertCredentialReferences>();
        services.AddSingleton<AlertService>();
        services.AddSingleton<HierarchyService>();
        services.AddSingleton<HierarchyWebhookCredentials>();
        services.AddSingleton<ICredentialReferences, HierarchyCredentialReferences>();
        services.AddSingleton<HomeService>();
        services.AddMemoryCache();
        services.AddSingleton<CacheInvalidation>();
        if (database.IsPostgres)
        {
            // Several instances may share the database: each listens for the others' cache evictions.
            services.AddHostedService(sp => sp.GetRequiredService<CacheInvalidation>());
        }
        services.AddSingleton<ApiTokenService>();
        services.AddWebhookDelivery(configuration);
        return services;
    }

    /// <summary>
    /// The settings file lives at the repository root and is linked into the build output; under
    /// <c>dotnet run</c> the content root is the project folder, so read the copied file at the same precedence.
    /// </summary>
    private static void AddRepositorySettings(WebApplicationBuilder builder)
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json")) || !File.Exists(shipped))
        {
            return;
        }

        var sources = builder.Configuration.Sources;
        var index = sources.ToList().FindIndex(s => s is JsonConfigurationSource { Path: "appsettings.json" });
        var source = new JsonConfigurationSource
        {
            Path = "appsettings.json",
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Optional = true,
            ReloadOnChange = false,
        };
        sources.Insert(index < 0 ? 0 : index + 1, source);
    }

    public static async Task InitializePortalDatabaseAsync(this WebApplication app)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            await MigrateAsync(db, underLock: () => DataProtectionSetup.EnsureKey(app.Services));
            if (db.Database.IsSqlite())
            {
                // WAL lets readers and the writer work at once; the setting persists in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        }

        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FirstAdministrator>().SeedFromConfigurationAsync();
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SeedOptions>>().Value.ApiToken is { Length: > 0 } apiToken)
        {
            await app.Services.GetRequiredService<ApiTokenService>().EnsureSeedAsync(apiToken);
        }
    }

    // Any constant shared by every instance: the key of the session lock that serialises start-up migrations.
    private const long MigrationLockKey = 0x43_50_4D_49_47; // "CPMIG"

    /// <summary>
    /// Applies the migrations. On PostgreSQL several instances may start at once, and EF Core's own migration lock there
    /// lasts one migration's transaction: an instance that listed the pending migrations before another applied them
    /// would apply them again. A session advisory lock held across the whole run makes the instances take turns;
    /// <paramref name="underLock"/> runs after the migrations, still under it.
    /// </summary>
    private static async Task MigrateAsync(PortalDbContext db, Action underLock)
    {
        if (!db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync();
            underLock();
            return;
        }

        await CreateDatabaseIfMissingAsync(db);
        await db.Database.OpenConnectionAsync();
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})");
            try
            {
                await db.Database.MigrateAsync();
                underLock();
            }
            finally
            {
                // The physical connection goes back to Npgsql's pool, and a session lock would go with it.
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The lock needs a connection, and so a database: the first start creates it (when its user may), as MigrateAsync
    /// would. Instances starting together may both try: the one that finds it made meanwhile goes on.
    /// </summary>
    private static async Task CreateDatabaseIfMissingAsync(PortalDbContext db)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync())
        {
            return;
        }
        try
        {
            await creator.CreateAsync();
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DuplicateDatabase)
        {
        }
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseTrustedProxies(); // first: everything below sees the client's address and scheme
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts(); // only ever sent on HTTPS requests
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseApiRequests(); // after the status code pages: the API answers problem details instead
        app.UseBlazorHubOriginCheck();
        // Explicit, so that they run after the middleware above: left implicit, WebApplication puts routing and
        // authentication first, and a challenge's redirect would leave without the security headers.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseActor(); // after authorization: an API route's token principal is only known once its policy ran
        app.UseRateLimiter(); // after routing: the log-in pages' policy is endpoint metadata
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = KeyRingHealthCheck.WriteResponse });
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        app.MapPortalApi();
        app.MapCredentialJwks();
        return app;
    }
}
