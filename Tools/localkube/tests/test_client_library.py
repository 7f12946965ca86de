"""The official Kubernetes Python client against localkube (typed APIs, custom objects, watches, TLS)."""
from __future__ import annotations

import threading
import time

import pytest
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

from lkhelpers import crd_objects, flink_cluster


def _api_client(kubeconfig: str) -> client.ApiClient:
    return config.new_client_from_config(config_file=kubeconfig)


def test_typed_and_custom_objects(fresh):
    lk = fresh("--tls")
    api_client = _api_client(lk.kubeconfig)
    core, apps = client.CoreV1Api(api_client), client.AppsV1Api(api_client)
    ext, custom = client.ApiextensionsV1Api(api_client), client.CustomObjectsApi(api_client)
    assert "default" in [n.metadata.name for n in core.list_namespace().items]
    for crd in crd_objects():
        ext.create_custom_resource_definition(crd)
    core.create_namespaced_config_map("default", client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="cm"), data={"k": "v"}))
    assert core.read_namespaced_config_map("cm", "default").data == {"k": "v"}
    dep = client.V1Deployment(metadata=client.V1ObjectMeta(name="d"), spec=client.V1DeploymentSpec(
        selector=client.V1LabelSelector(match_labels={"a": "b"}), template=client.V1PodTemplateSpec(
            metadata=client.V1ObjectMeta(labels={"a": "b"}),
            spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox:1")]))))
    created = apps.create_namespaced_deployment("default", dep)
    assert created.spec.replicas == 1 and created.metadata.generation == 1
    apps.patch_namespaced_deployment_scale("d", "default", {"spec": {"replicas": 3}})
    assert apps.read_namespaced_deployment("d", "default").spec.replicas == 3
    group = ("nextbreakpoint.com", "v1", "default", "flinkclusters")
    custom.create_namespaced_custom_object(*group, flink_cluster("lib"))
    custom.patch_namespaced_custom_object_status(*group, "lib", {"status": {"resourceStatus": "Updated"}})
    obj = custom.get_namespaced_custom_object(*group, "lib")
    assert obj["status"]["resourceStatus"] == "Updated" and obj["spec"]["minTaskManagers"] == 0
    obj["spec"]["taskManagers"] = 2
    custom.replace_namespaced_custom_object(*group, "lib", obj)
    with pytest.raises(ApiException) as stale:
        custom.replace_namespaced_custom_object(*group, "lib", obj)
    assert stale.value.status == 409
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_pod("nope", "default")
    assert missing.value.status == 404
    api_client.close()


def test_watch_stream(server):
    api_client = _api_client(server.kubeconfig)
    custom = client.CustomObjectsApi(api_client)
    group = ("nextbreakpoint.com", "v1", "default", "flinkjobs")
    listed = custom.list_namespaced_custom_object(*group)
    rv = listed["metadata"]["resourceVersion"]
    seen = []

    def produce():
        time.sleep(0.5)
        body = {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkJob", "metadata": {"name": "wj"},
                "spec": {"bootstrap": {"image": "i", "className": "C", "jarPath": "/j.jar"},
                         "savepoint": {"savepointMode": "Manual", "savepointInterval": 0,
                                       "savepointTargetPath": "/tmp"},
                         "restart": {"restartPolicy": "Never"}}}
        custom.create_namespaced_custom_object(*group, body)
        custom.delete_namespaced_custom_object(*group, "wj")
    thread = threading.Thread(target=produce)
    thread.start()
    stream = watch.Watch()
    for event in stream.stream(custom.list_namespaced_custom_object, *group, resource_version=rv,
                               timeout_seconds=10):
        seen.append((event["type"], event["object"]["metadata"]["name"]))
        if len(seen) == 2:
            stream.stop()
    thread.join()
    api_client.close()
    assert seen == [("ADDED", "wj"), ("DELETED", "wj")]
