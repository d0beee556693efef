using System.Reflection;

namespace Distribution.Aspire.Gateway.Tests;

internal static class Interceptor
{
    /// <summary>An implementation of <typeparamref name="T"/> that passes every call on to <paramref name="target"/> through <paramref name="hook"/>.</summary>
    public static T Wrap<T>(T target, Func<MethodInfo, object?[]?, Func<object?>, object?> hook)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, InterceptingProxy<T>>();
        var interceptor = (InterceptingProxy<T>)(object)proxy;
        interceptor.Target = target;
        interceptor.Hook = hook;
        return proxy;
    }
}

/// <summary>Not sealed: DispatchProxy derives its proxy type from it at run time.</summary>
public class InterceptingProxy<T> : DispatchProxy
    where T : class
{
    internal T Target { get; set; } = null!;

    internal Func<MethodInfo, object?[]?, Func<object?>, object?> Hook { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        Hook(targetMethod!, args, () =>
        {
            try
            {
                return targetMethod!.Invoke(Target, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        });
}
