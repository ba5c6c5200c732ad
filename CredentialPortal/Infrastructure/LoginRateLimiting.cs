using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Infrastructure;

/// <summary>Log-in throttling (<c>Login:*</c>).</summary>
public sealed class LoginOptions
{
    public const string Section = "Login";

    /// <summary>Log-in (and setup) form posts one client address may make per minute, all accounts together.</summary>
    [Range(1, int.MaxValue)]
    public int ClientAttemptsPerMinute { get; set; } = 50;

    /// <summary>Log-in attempts for one account from one client address per minute.</summary>
    [Range(1, int.MaxValue)]
    public int AccountAttemptsPerMinute { get; set; } = 10;
}

/// <summary>
/// The per-client limit on log-in posts, as an ASP.NET Core rate-limiting policy the log-in and setup pages opt into.
/// The per-account limit needs the posted email, so the log-in itself applies it (LoginAttempts).
/// </summary>
public static class LoginRateLimiting
{
    public const string Policy = "login";

    public static IServiceCollection AddLoginRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LoginOptions>().Bind(configuration.GetSection(LoginOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, cancellation) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                return new ValueTask(context.HttpContext.Response.WriteAsync(
                    "Too many log-in attempts from this address. Wait a minute and try again.", cancellation));
            };
            // Only posts count: showing the form costs nothing and guesses nothing.
            limiter.AddPolicy(Policy, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<LoginOptions>>().Value.ClientAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter(""));
        });
        return services;
    }

    /// <summary>
    /// The client's address as the connection shows it (behind a reverse proxy, as ForwardedHeaders:* lets it through).
    /// An IPv6 client counts by its /64: one host usually holds the whole prefix and could take a new address per try.
    /// </summary>
    public static string ClientKey(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            bytes.AsSpan(8).Clear();
            return new System.Net.IPAddress(bytes) + "/64";
        }
        return address.ToString();
    }
}
