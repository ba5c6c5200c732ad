using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using CredentialPortal.Features.Credentials.OAuth;

namespace CredentialPortal.Features.Delivery;

public static class DeliveryRegistration
{
    /// <summary>
    /// The outbound client: webhooks and OAuth token endpoints alike get its SSRF checks, per-attempt timeout and
    /// no-redirect policy (IHttpClientFactory.CreateClient(ClientName)).
    /// </summary>
    public const string ClientName = "webhook";

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
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // a 3xx is a failure, never followed
                UseProxy = false, // a proxy would connect on our behalf, past the address check
                ConnectCallback = sp.GetRequiredService<WebhookDestinationPolicy>().ConnectAsync,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
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
}
