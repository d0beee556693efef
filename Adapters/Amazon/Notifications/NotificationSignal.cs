using Distribution.Aspire.ServiceDefaults.Hosting;

namespace Distribution.Aspire.Adapters.Amazon.Notifications;

/// <summary>Wakes the worker as soon as a notification is stored, instead of waiting for its next poll.</summary>
public sealed class NotificationSignal : WorkSignal;
