using System.Security.Cryptography;

namespace CredentialPortal.Infrastructure;

/// <summary>
/// The headers every response carries: no MIME sniffing, no referrer leaving the portal (URLs may name webhooks), and a
/// Content-Security-Policy under which Blazor and MudBlazor work with scripts from the portal only. The one inline
/// script, Blazor's import map, carries the per-request nonce (<see cref="GetCspNonce"/>). HSTS is added by
/// <c>UseHsts</c> on HTTPS requests outside Development.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "CredentialPortal.CspNonce";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                // same-origin rather than no-referrer: the browser then still sends a real Origin on the portal's own form
                // posts (log-out checks it), and no referrer leaves the portal.
                headers["Referrer-Policy"] = "same-origin";
                headers.XFrameOptions = "SAMEORIGIN"; // for browsers that predate frame-ancestors
                headers.ContentSecurityPolicy = Policy(context.Items[NonceKey] as string);
                return Task.CompletedTask;
            });
            return next(context);
        });

    /// <summary>
    /// The nonce this request's policy allows for inline scripts, made on first use: a response that asks for none (the
    /// API's JSON, a static file) allows no inline script and costs no random bytes.
    /// </summary>
    public static string GetCspNonce(this HttpContext context)
    {
        if (context.Items[NonceKey] is not string nonce)
        {
            // Hex: valid in the policy and left alone by the HTML encoder (it escapes Base64's + and /).
            nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
        }
        return nonce;
    }

    // MudBlazor sets inline style attributes and writes its theme into a <style> element, hence 'unsafe-inline' for
    // styles only; 'self' covers the circuit's WebSocket (CSP 3).
    private static string Policy(string? nonce) =>
        "default-src 'self'; " +
        (nonce is null ? "script-src 'self'; " : $"script-src 'self' 'nonce-{nonce}'; ") +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'self'";
}
