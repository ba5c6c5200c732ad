using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Features.Delivery;

public static class DeliveryRegistration
{
    /// <summary>
    /// The webhooks' client: SSRF checks at connect time, no redirects, no proxy, and each attempt's timeout
    /// (Webhooks:TimeoutSeconds). IHttpClientFactory.CreateClient(ClientName).
    /// </summary>
    public const string ClientName = "webhook";

    /// <summary>
    /// The OAuth token endpoints' client: the same connections as <see cref="ClientName"/>'s, without its timeout. A token
    /// request has its own deadline (Webhooks:TokenTimeoutSeconds, applied by OAuthTokenClient), which may be longer.
    /// </summary>
    public const string TokenClientName = "oauth-token";

    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookDestinationPolicy>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<DeliveryService>();
        services.AddSingleton<DeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryWorker>());
        services.AddHealthChecks().AddCheck<DeliveryWorkerHealthCheck>(DeliveryWorkerHealthCheck.Name);
        services.AddSingleton(sp => new OAuthTokenCache(sp.GetRequiredService<TimeProvider>(), new OAuthTokenCacheOptions
        {
            Limits = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.ToTokenLimits(),
        }));

        var client = services.AddHttpClient<WebhookSender>(ClientName, (sp, client) =>
            {
                // Each attempt has its own timeout (the resilience pipeline below).
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(OutboundHandler);
        services.AddHttpClient(TokenClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(OutboundHandler);
        client.AddResilienceHandler("webhook", (pipeline, context) =>
            {
                // Only the per-attempt timeout: the delays between attempts are the delivery table's (RetrySchedule), so
                // that they outlive a restart.
                context.EnableReloads<WebhookOptions>();
                var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<WebhookOptions>>().CurrentValue;
                pipeline.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds));
            });
        return services;
    }

    private static SocketsHttpHandler OutboundHandler(IServiceProvider services) => new()
    {
        AllowAutoRedirect = false, // a 3xx is a failure, never followed
        UseProxy = false, // a proxy would connect on our behalf, past the address check
        ConnectCallback = services.GetRequiredService<WebhookDestinationPolicy>().ConnectAsync,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    };
}
