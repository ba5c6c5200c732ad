namespace CredentialPortal.Tests.Infrastructure;

/// <summary>Hears progress reports at once, on the reporter's thread (Progress&lt;T&gt; would post them later).</summary>
public sealed class ProgressRecorder<T> : IProgress<T>
{
    public List<T> Heard { get; } = [];

    public void Report(T value)
    {
        lock (Heard)
        {
            Heard.Add(value);
        }
    }
}
