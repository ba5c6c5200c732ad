using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace CredentialPortal.Infrastructure;

/// <summary>
/// Behind a reverse proxy the connection comes from the proxy: the client's address (log-in limits and lockout) and
/// the scheme (HSTS, secure cookies) come from X-Forwarded-For and X-Forwarded-Proto, believed only from the proxies
/// named in <c>ForwardedHeaders:KnownProxies</c> / <c>ForwardedHeaders:KnownNetworks</c>. With neither set the headers
/// are ignored: anyone could send them.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only what the settings name: not the loopback defaults.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in List(configuration, "ForwardedHeaders:KnownProxies"))
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in List(configuration, "ForwardedHeaders:KnownNetworks"))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    public static IApplicationBuilder UseTrustedProxies(this WebApplication app) =>
        List(app.Configuration, "ForwardedHeaders:KnownProxies").Length + List(app.Configuration, "ForwardedHeaders:KnownNetworks").Length > 0
            ? app.UseForwardedHeaders()
            : app;

    private static string[] List(IConfiguration configuration, string key) =>
        (configuration[key] ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
