namespace CredentialPortal.Infrastructure;

/// <summary>
/// Log categories that write what a person types: SignalR's hub dispatcher logs every circuit invocation with its
/// arguments (form values, secrets included) at Debug. They are held at Information whatever the settings say.
/// </summary>
public static class SensitiveLogCategories
{
    public static readonly string[] Categories = ["Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher"];

    public static ILoggingBuilder CapSensitiveCategories(this ILoggingBuilder logging)
    {
        // After every other configuration: for each provider that has rules of its own (and for all providers), an
        // exact-category rule added last is the one the logger picks, so no setting can lower it.
        logging.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            var providers = options.Rules.Select(rule => rule.ProviderName).Append(null).Distinct().ToList();
            foreach (var provider in providers)
            {
                foreach (var category in Categories)
                {
                    options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Information, filter: null));
                }
            }
        });
        return logging;
    }
}
