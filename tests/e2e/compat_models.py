"""BPMN models the client compatibility suite deploys together in one multipart request."""

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
          '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
          'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="http://example.com/compat" ')

# start -> compat.charge (external; error boundary CARD_DECLINED -> compat.notify) -> compat.ship -> end
PAYMENT = HEADER + '''id="Defs_compat_payment">
  <bpmn:error id="Err_declined" errorCode="CARD_DECLINED" />
  <bpmn:process id="compat_payment" name="Compat payment" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:serviceTask id="Charge" name="Charge" camunda:type="external" camunda:topic="compat.charge" />
    <bpmn:boundaryEvent id="Declined" attachedToRef="Charge">
      <bpmn:errorEventDefinition errorRef="Err_declined" camunda:errorCodeVariable="declineCode"
                                 camunda:errorMessageVariable="declineMessage" />
    </bpmn:boundaryEvent>
    <bpmn:serviceTask id="Notify" camunda:type="external" camunda:topic="compat.notify" />
    <bpmn:serviceTask id="Ship" camunda:type="external" camunda:topic="compat.ship" />
    <bpmn:endEvent id="Done" />
    <bpmn:endEvent id="Rejected" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Charge" />
    <bpmn:sequenceFlow id="F2" sourceRef="Charge" targetRef="Ship" />
    <bpmn:sequenceFlow id="F3" sourceRef="Ship" targetRef="Done" />
    <bpmn:sequenceFlow id="F4" sourceRef="Declined" targetRef="Notify" />
    <bpmn:sequenceFlow id="F5" sourceRef="Notify" targetRef="Rejected" />
  </bpmn:process>
</bpmn:definitions>
'''

# message start "CompatOrderPlaced" -> compat.pack -> end
MESSAGE_START = HEADER + '''id="Defs_compat_message_start">
  <bpmn:message id="Msg_placed" name="CompatOrderPlaced" />
  <bpmn:process id="compat_message_start" isExecutable="true">
    <bpmn:startEvent id="Placed"><bpmn:messageEventDefinition messageRef="Msg_placed" /></bpmn:startEvent>
    <bpmn:serviceTask id="Pack" camunda:type="external" camunda:topic="compat.pack" />
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="F1" sourceRef="Placed" targetRef="Pack" />
    <bpmn:sequenceFlow id="F2" sourceRef="Pack" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>
'''

# start -> message catch "CompatPaid" -> end
WAIT_FOR_PAYMENT = HEADER + '''id="Defs_compat_wait">
  <bpmn:message id="Msg_paid" name="CompatPaid" />
  <bpmn:process id="compat_wait" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:intermediateCatchEvent id="Paid"><bpmn:messageEventDefinition messageRef="Msg_paid" /></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Paid" />
    <bpmn:sequenceFlow id="F2" sourceRef="Paid" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>
'''

ALL = {"compat_payment": PAYMENT, "compat_message_start": MESSAGE_START, "compat_wait": WAIT_FOR_PAYMENT}
