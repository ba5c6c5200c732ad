using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using Polly;

namespace CredentialPortal.Features.Delivery;

public static class DeliveryRegistration
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The outbound client: webhooks and OAuth token endpoints alike get its SSRF checks, timeouts, retries and
    /// no-redirect policy (IHttpClientFactory.CreateClient(ClientName)).
    /// </summary>
    public const string ClientName = "webhook";

    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookDestinationPolicy>();
        services.AddSingleton<DeliveryLog>();
        services.AddSingleton<DeliveryTargets>();
        // A deleted credential's decrypted values leave DeliveryTargets with it.
        services.AddSingleton<ICredentialReferences, DeliveryTargetEviction>();
        services.AddSingleton(sp => new OAuthTokenCache(sp.GetRequiredService<TimeProvider>(), new OAuthTokenCacheOptions
        {
            Limits = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.ToTokenLimits(),
        }));
        services.AddTransient<AttemptCountingHandler>();

        var client = services.AddHttpClient<WebhookSender>(ClientName, (sp, client) =>
            {
                // Each attempt has its own timeout (the resilience pipeline below).
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // a 3xx is a failure, never followed
                UseProxy = false, // a proxy would connect on our behalf, past the address check
                ConnectCallback = sp.GetRequiredService<WebhookDestinationPolicy>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        client.AddResilienceHandler("webhook", (pipeline, context) =>
            {
                // Rebuilt when the settings change, so the retries made match the "attempt n of N" the page shows.
                context.EnableReloads<WebhookOptions>();
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue;
                // No overall timeout: at most MaxAttempts attempts of TimeoutSeconds each and the delays between them,
                // each at most MaxRetryAfter (a Retry-After and the back-off alike), already bound a send; another timeout
                // strategy would cost a timer per request.
                if (options.MaxAttempts > 1)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxAttempts - 1,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(options.RetryBaseDelayMilliseconds),
                        MaxDelay = MaxRetryAfter,
                        // Connection errors, timeouts, 408, 429 and 5xx; never a refused destination.
                        ShouldHandle = args => ValueTask.FromResult(
                            args.Outcome.Exception is not DestinationRefusedException
                            && args.Outcome.Exception?.InnerException is not DestinationRefusedException
                            && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                        ShouldRetryAfterHeader = false,
                        DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                    });
                }
                pipeline.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds));
            });
        // Added after the resilience handler, so it runs inside the retries: once per attempt.
        client.AddHttpMessageHandler<AttemptCountingHandler>();
        return services;
    }

    /// <summary>Honours a 429's or 503's Retry-After, capped so that one answer cannot stall a delivery.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response?.Headers.RetryAfter is not { } retryAfter)
        {
            return null; // the exponential back-off with jitter
        }
        var delay = retryAfter.Delta ?? (retryAfter.Date - DateTimeOffset.UtcNow) ?? TimeSpan.Zero;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxRetryAfter ? MaxRetryAfter : delay;
    }
}
