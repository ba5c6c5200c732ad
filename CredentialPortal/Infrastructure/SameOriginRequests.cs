using Microsoft.Extensions.Options;

namespace CredentialPortal.Infrastructure;

/// <summary>
/// Origins besides the portal's own that may open its Blazor hub and post its log-out
/// (<c>AllowedOrigins</c>, semicolon-separated, e.g. <c>https://portal.example.com</c> behind a proxy that rewrites Host).
/// </summary>
public sealed class OriginOptions
{
    public string AllowedOrigins { get; set; } = "";

    public IReadOnlyList<string> Origins =>
        AllowedOrigins.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(origin => origin.TrimEnd('/'))
            .ToList();
}

/// <summary>
/// Whether a browser request comes from a page of the portal itself. Another origin (even another port on the same
/// host, which counts as the same site for cookies) must not drive a signed-in browser: cross-site WebSocket
/// hijacking of the Blazor hub, or a forged log-out.
/// </summary>
public static class SameOriginRequests
{
    public const string BlazorHubPath = "/_blazor";

    public static bool IsSameOrigin(HttpRequest request, IReadOnlyList<string> allowedOrigins)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            // Authority only: behind a TLS-terminating proxy the request's own scheme is http.
            return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                && (string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
                    || allowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase));
        }

        // No Origin: a non-browser client (nothing to forge), or a browser that still says where the request came from.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        return site.Length == 0 || site is "same-origin" or "none";
    }

    /// <summary>Refuses (403) a request to the Blazor hub, negotiate and WebSocket alike, from a foreign origin.</summary>
    public static IApplicationBuilder UseBlazorHubOriginCheck(this IApplicationBuilder app)
    {
        var allowed = app.ApplicationServices.GetRequiredService<IOptions<OriginOptions>>().Value.Origins;
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(BlazorHubPath) && !IsSameOrigin(context.Request, allowed))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("Cross-origin request refused.");
                return;
            }
            await next(context);
        });
    }
}
