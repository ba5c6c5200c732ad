using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using CredentialPortal.Features.Hierarchy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace CredentialPortal.Features.Delivery;

/// <summary>
/// Makes one attempt of a delivery through the "webhook" HttpClient (its timeout, no redirects, SSRF checks at connect
/// time): the body as stored, the alert's headers, <c>webhook-id</c> and <c>webhook-timestamp</c>, and the credential by
/// the domain's wire format. Returns what happened, with the request masked as the log shows it; retries are the
/// queue's business (<see cref="DeliveryQueue"/>), not this class's.
/// </summary>
public sealed partial class WebhookSender(
    HttpClient http,
    IHttpClientFactory httpClients,
    CredentialService credentials,
    HierarchyService hierarchy,
    IDataProtectionProvider dataProtection,
    OAuthTokenCache tokens,
    WebhookDestinationPolicy destinations,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookSender> logger)
{
    private readonly IDataProtector headerProtector = WebhookHeaderSecrets.CreateProtector(dataProtection);

    /// <summary>
    /// One attempt of a claimed delivery (loaded with its alert and the alert's own credential): the credential is
    /// resolved now, as stored now (the alert's own, or for an inheriting alert its workspace's effective one), so an
    /// edit or a deletion since the delivery was accepted applies to this attempt.
    /// </summary>
    public async Task<AttemptOutcome> AttemptAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        try
        {
            var alert = delivery.Alert ?? throw new InvalidOperationException("The delivery was loaded without its alert.");
            ResolvedCredential? credential;
            if (alert.InheritsCredential)
            {
                var effective = await hierarchy.GetEffectiveAsStoredAsync(alert.WorkspaceId, cancellationToken);
                credential = effective is null ? null : await credentials.ResolveAsync(effective.CredentialId, cancellationToken);
            }
            else
            {
                credential = alert.Credential is { } stored ? credentials.Resolve(stored) : null;
            }
            var revealed = new Alert
            {
                Id = alert.Id,
                Name = alert.Name,
                WebhookEnabled = alert.WebhookEnabled,
                WebhookGoneAtUtc = alert.WebhookGoneAtUtc,
                WebhookUrl = alert.WebhookUrl,
                WebhookMethod = alert.WebhookMethod,
                WebhookHeaders = WebhookHeaderSecrets.Reveal(headerProtector, alert.WebhookHeaders),
            };
            return await AttemptAsync(delivery, revealed, credential, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A delivery that cannot even be attempted (a secret that no longer decrypts, the database busy while resolving
            // its credential) is logged as a failed attempt and retried by the schedule, so that it never keeps its batch
            // (or Send test) from being recorded.
            Log.NotAttempted(logger, ex, delivery.WebhookId);
            return new AttemptOutcome(new DeliveryAttempt
            {
                AttemptedAtUtc = time.GetUtcNow().UtcDateTime,
                Error = $"The portal could not make the attempt ({ex.GetType().Name}); see its log.",
                Method = delivery.Alert?.WebhookMethod ?? "",
                Url = delivery.Alert?.WebhookUrl ?? "",
                Headers = "",
            }, AttemptVerdict.Retry);
        }
    }

    /// <summary>
    /// One attempt of <paramref name="delivery"/> to <paramref name="alert"/>'s webhook (its secret headers already
    /// revealed) with <paramref name="credential"/> (null: No Auth). Cancelling (the app stopping) answers
    /// <see cref="AttemptVerdict.Released"/>.
    /// </summary>
    public async Task<AttemptOutcome> AttemptAsync(WebhookDelivery delivery, Alert alert, ResolvedCredential? credential,
        CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var method = alert.WebhookMethod;
        var loggedUrl = alert.WebhookUrl ?? "";
        var loggedHeaders = new List<string>();
        int? status = null;
        string? error = null;
        TimeSpan? retryAfter = null;
        var verdict = AttemptVerdict.Fail;

        try
        {
            // The same rule as a fire's (turned off since this delivery was accepted: it fails rather than waits).
            if (DeliveryService.InactiveReason(alert) is { } inactive)
            {
                throw new DeliveryRefusedException(inactive);
            }
            if (!Uri.TryCreate(alert.WebhookUrl, UriKind.Absolute, out var url))
            {
                throw new DeliveryRefusedException("The alert's webhook URL is not valid.");
            }
            if (await destinations.CheckBeforeSendAsync(url, cancellationToken) is { } refusal)
            {
                throw new DeliveryRefusedException(refusal);
            }

            var body = Encoding.UTF8.GetBytes(delivery.Body);
            // Called only for a request that goes out (for OAuth, once a token is in hand): the log shows what was sent,
            // masked, whatever the outcome.
            HttpRequestMessage CreateRequest()
            {
                var sent = new List<string>();
                var request = BuildRequest(alert, url, body, credential, now, delivery.WebhookId, sent);
                var masked = CredentialWireFormat.Masked(url, credential);
                if (masked.Header is not null)
                {
                    sent.Add(masked.Header);
                }
                loggedUrl = masked.Url;
                loggedHeaders.Clear();
                loggedHeaders.AddRange(sent);
                return request;
            }

            HttpResponseMessage? response;
            OAuthSendResult? oauthResult = null;
            if (credential?.OAuth is { } oauth)
            {
                // The access token comes from the shared cache; a 401 drops it and sends once more with a fresh one.
                oauthResult = await tokens.SendAsync(httpClients.CreateClient(DeliveryRegistration.TokenClientName), http,
                    new OAuthTokenKey(credential.Id, credential.Version), oauth, CreateRequest, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response = oauthResult.Response;
                if (response is null)
                {
                    error = $"No access token: {oauthResult.Token.Message}";
                    // A token endpoint that is down may answer next time; one that refuses the credential will not
                    // until someone fixes it (then Replay).
                    verdict = oauthResult.Token.Failure == OAuthTokenFailure.Network || oauthResult.Token.StatusCode is 408 or 429 or >= 500
                        ? AttemptVerdict.Retry : AttemptVerdict.Fail;
                }
            }
            else
            {
                using var request = CreateRequest();
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }

            using (oauthResult)
            using (response)
            {
                if (response is not null)
                {
                    status = (int)response.StatusCode;
                    verdict = Classify(response.StatusCode);
                    if (!response.IsSuccessStatusCode)
                    {
                        error = status is >= 300 and < 400
                            ? $"HTTP {status}: redirects are not followed."
                            : $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
                    }
                    if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                    {
                        retryAfter = RetryAfter(response, now);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new AttemptOutcome(null, AttemptVerdict.Released);
        }
        catch (DeliveryRefusedException ex)
        {
            error = ex.Message;
        }
        catch (DestinationRefusedException ex)
        {
            error = ex.Message;
        }
        catch (TimeoutRejectedException)
        {
            error = $"No response within {options.CurrentValue.TimeoutSeconds} s.";
            verdict = AttemptVerdict.Retry;
        }
        catch (HttpRequestException ex) when (ex.InnerException is DestinationRefusedException refused)
        {
            error = refused.Message;
        }
        catch (HttpRequestException ex)
        {
            error = ex.Message;
            verdict = AttemptVerdict.Retry;
        }

        var attempt = Attempt();
        Log.Attempted(logger, alert.Id, delivery.WebhookId, loggedUrl, verdict.ToString(), status);
        return new AttemptOutcome(attempt, verdict, retryAfter);

        DeliveryAttempt Attempt() => new()
        {
            AttemptedAtUtc = now.UtcDateTime,
            DurationMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            StatusCode = status,
            Error = Printable(error),
            Method = method,
            Url = loggedUrl,
            Headers = string.Join("\n", loggedHeaders),
        };
    }

    /// <summary>
    /// The error with control characters as U+FFFD: it quotes what the receiver or its token endpoint sent, and PostgreSQL
    /// refuses U+0000 in text, which would fail the recording of the whole batch (then sent again after its lease, for ever).
    /// </summary>
    private static string? Printable(string? error) =>
        error is null || !error.Any(char.IsControl) ? error : string.Concat(error.Select(c => char.IsControl(c) ? '\uFFFD' : c));

    /// <summary>2xx delivered; 408, 429 and 5xx worth another attempt; 410 turns the webhook off; anything else ends it.</summary>
    public static AttemptVerdict Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => AttemptVerdict.Delivered,
        408 or 429 or >= 500 => AttemptVerdict.Retry,
        410 => AttemptVerdict.Gone,
        _ => AttemptVerdict.Fail,
    };

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }
        var delay = retryAfter.Delta ?? (retryAfter.Date - now) ?? TimeSpan.Zero;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private static HttpRequestMessage BuildRequest(Alert alert, Uri url, byte[] body, ResolvedCredential? credential, DateTimeOffset now,
        string webhookId, List<string> loggedHeaders)
    {
        // Parse: the shared instance for the standard methods.
        var request = new HttpRequestMessage(HttpMethod.Parse(alert.WebhookMethod), url);
        // A signature covers exactly the bytes sent: one array serves both.
        byte[] bytes = [];
        if (alert.WebhookMethod != "GET")
        {
            bytes = body;
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            loggedHeaders.Add("Content-Type: application/json");
        }

        // Checked on save and again here, by the same rule: nothing malformed or HTTP's own leaves the portal. The value
        // is never part of the message (a secret header's value is decrypted here).
        foreach (var header in alert.WebhookHeaders)
        {
            if (CredentialRules.HeaderNameError(header.Name, "Header name") is not null
                || CredentialRules.HeaderValueError(header.Value, "Header value") is not null)
            {
                request.Dispose();
                throw new DeliveryRefusedException($"The header '{header.Name}' is not valid and was not sent.");
            }
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
            loggedHeaders.Add($"{header.Name}: {(header.Secret ? CredentialWireFormat.Mask : header.Value)}");
        }

        try
        {
            // A Standard Webhooks signature sets webhook-id and webhook-timestamp itself, to the same values, and signs them.
            CredentialWireFormat.Apply(request, credential, bytes, now, webhookId);
        }
        catch (InvalidOperationException ex)
        {
            request.Dispose();
            throw new DeliveryRefusedException(ex.Message);
        }
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (!request.Headers.Contains("webhook-id"))
        {
            request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp);
        }
        loggedHeaders.Add($"webhook-id: {webhookId}");
        loggedHeaders.Add($"webhook-timestamp: {timestamp}");
        return request;
    }

    /// <summary>Generated: nothing formatted unless Information is enabled. Never a credential: the URL is the masked one.</summary>
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Webhook of alert {AlertId} ({WebhookId}) to {Url}: {Verdict}, HTTP {Status}")]
        public static partial void Attempted(ILogger logger, int alertId, string webhookId, string url, string verdict, int? status);

        [LoggerMessage(Level = LogLevel.Error, Message = "The attempt of delivery {WebhookId} could not be made; it is retried on the schedule.")]
        public static partial void NotAttempted(ILogger logger, Exception exception, string webhookId);
    }

    /// <summary>A delivery the portal refused to attempt (no webhook, refused destination, malformed header).</summary>
    private sealed class DeliveryRefusedException(string message) : Exception(message);
}
